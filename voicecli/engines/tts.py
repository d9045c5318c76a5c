"""Piper text-to-speech: one PCM chunk per sentence, tagged with the text it speaks and when
each of its words is spoken in the audio.

The voice model is loaded with its per-phoneme durations exposed as an output (Piper's own
alignment patch, applied in memory with the onnx package; the file on disk, verified by sha256,
is untouched), so the word times come from the synthesis itself.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from piper import PiperConfig, PiperVoice, SynthesisConfig
from piper.patch_voice_with_alignment import add_alignment_output

from voicecli.config import TtsConfig
from voicecli.engines.ortarena import ArenaBoundedSession
from voicecli.engines.vad import session_options
from voicecli.policy.piecefit import fit_parts
from voicecli.policy.wordtiming import WordTime, phoneme_word_times

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class SpeechChunk:
    """Synthesised audio (float32, mono) and the exact text it speaks."""

    text: str
    audio: np.ndarray
    sample_rate: int
    synth_ms: float
    word_times: tuple[WordTime, ...] = ()  # (start, end) sample of each word; () if unknown

    @property
    def duration_s(self) -> float:
        return self.audio.size / self.sample_rate


def split_sentences(text: str) -> list[str]:
    """Split on sentence-ending punctuation followed by white space."""
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


class PiperEngine:
    """A Piper voice loaded from its ONNX model and JSON config, on bounded ORT threads."""

    def __init__(self, model_path: Path, config: TtsConfig) -> None:
        config_path = Path(f"{model_path}.json")
        with config_path.open(encoding="utf-8") as handle:
            voice_config = PiperConfig.from_dict(json.load(handle))
        model = onnx.load(str(model_path))
        add_alignment_output(model)
        session = ort.InferenceSession(
            model.SerializeToString(),
            sess_options=session_options(config.threads),
            providers=["CPUExecutionProvider"],
        )
        self.arena = ArenaBoundedSession(session, "input", config.arena_keep_ids)
        self.voice = PiperVoice(session=self.arena, config=voice_config)  # type: ignore[arg-type]
        self.sample_rate = voice_config.sample_rate
        self.synthesis = SynthesisConfig(
            speaker_id=config.speaker_id or None,
            length_scale=config.length_scale,
            noise_scale=config.noise_scale,
            noise_w_scale=config.noise_w_scale,
            normalize_audio=False,
            volume=1.0,
        )

    def synthesize(self, text: str) -> Iterator[SpeechChunk]:
        """Yield one chunk per sentence of `text`, as soon as each is synthesised. A sentence
        longer than the arena keeps is synthesised in parts that fit (policy/piecefit.py)."""
        for sentence in split_sentences(text):
            started = time.perf_counter()
            keep = self.arena.keep_size
            parts = fit_parts(sentence, self.phoneme_ids, keep) if keep else [sentence]
            pieces = [
                piece
                for part in parts
                for piece in self.voice.synthesize(part, self.synthesis, include_alignments=True)
            ]
            if not pieces:
                continue
            audio = np.concatenate([c.audio_float_array for c in pieces]).astype(np.float32)
            synth_ms = (time.perf_counter() - started) * 1000.0
            times = self.word_times(sentence, pieces, audio.size)
            yield SpeechChunk(sentence, audio, self.sample_rate, synth_ms, times)

    def phoneme_ids(self, text: str) -> int:
        """The largest input Piper runs for `text`: its longest phonemised sentence's ids."""
        sentences = self.voice.phonemize(text)
        return max((len(self.voice.phonemes_to_ids(p)) for p in sentences), default=0)

    def word_times(self, sentence: str, pieces: list, samples: int) -> tuple[WordTime, ...]:
        """When each word of `sentence` is spoken in its audio; () without Piper's timings."""
        if any(p.phoneme_alignments is None for p in pieces):
            return ()
        timeline = [(a.phoneme, a.num_samples) for p in pieces for a in p.phoneme_alignments]
        if sum(n for _, n in timeline) != samples:
            return ()
        alone = [[p for s in self.voice.phonemize(word) for p in s] for word in sentence.split()]
        return tuple(phoneme_word_times(timeline, alone))

    def speak(self, text: str) -> np.ndarray:
        """All of `text` as one float32 array at the voice's rate."""
        chunks = [c.audio for c in self.synthesize(text)]
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
