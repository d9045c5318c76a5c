"""What the stages need from each engine: the four models as protocols.

A stage is typed against these, not against the concrete engines, so a test can hand it a
fake (a VAD that says "speech" on a schedule, a model that streams fixed tokens) without
loading a model or importing its runtime. The real engines (vad.py, stt.py, tts.py, llm.py)
satisfy them as they are.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from voicecli.config import SttConfig
    from voicecli.engines.llm import GenerationStats
    from voicecli.engines.stt import Transcript
    from voicecli.engines.tts import SpeechChunk

Message = dict[str, str]


class VoiceActivity(Protocol):
    """Speech probability per 512-sample frame at 16 kHz, with state carried between frames."""

    def reset(self) -> None: ...

    def __call__(self, frame: np.ndarray) -> float: ...

    def skip(self, frame: np.ndarray) -> None: ...


class SpeechToText(Protocol):
    """Transcribes 16 kHz float32 audio."""

    config: SttConfig

    def transcribe(
        self,
        audio: np.ndarray,
        prompt: str = "",
        cut: bool = True,
        words: bool | None = None,
        fallback: bool = True,
        beam_size: int | None = None,
        wanted: Callable[[], bool] | None = None,
        draft: Callable[[Transcript], bool] | None = None,
    ) -> Transcript: ...


class TextToSpeech(Protocol):
    """Synthesises text, a sentence at a time, at its own sample rate."""

    sample_rate: int

    def synthesize(self, text: str) -> Iterator[SpeechChunk]: ...


class LanguageModel(Protocol):
    """A chat model that streams its reply, stops on a cancel flag and caches its prompt."""

    stats: GenerationStats

    def prefill(self, messages: Sequence[Message]) -> int: ...

    def stream(
        self,
        messages: Sequence[Message],
        cancel: threading.Event | None = None,
        narrow: Callable[[], bool] | None = None,
    ) -> Iterator[str]: ...
