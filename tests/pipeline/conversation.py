"""Helpers for end-to-end conversation tests: build caller audio, run the real pipeline."""

from __future__ import annotations

import numpy as np

from voicecli.audio.virtual import FileSignal
from voicecli.config import Config
from voicecli.conversation import TalkResult
from voicecli.events import Event
from voicecli.wiring import Engines, TalkOptions, build_conversation

RATE = 16000


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def converse(
    config: Config, engines: Engines, signal: np.ndarray, mirror: bool = False
) -> TalkResult:
    """Play `signal` into the real pipeline on virtual devices, in real time."""
    conversation = build_conversation(
        config, engines, TalkOptions(mirror=mirror), mic=FileSignal(signal)
    )
    result = conversation.run()
    assert not result.error, f"a stage failed: {result.error}"
    return result


def of_kind(result: TalkResult, kind: type[Event]) -> list:
    return [e for e in result.events if isinstance(e, kind)]
