"""Caller clips for the simulator: loaded, pauses inserted, and their speech bounds as truth.

The truth for every timing the bench reports comes from here: where speech starts and ends in
the clean clip (energy 10 dB over the clip's noise floor, in runs of at least 30 ms), shifted by
the pauses inserted before that point.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicecli.audio.wavfile import read_wav
from voicecli.audioformat import CAPTURE_RATE

FRAME = 160  # 10 ms
MIN_RUN = 3


@dataclass(frozen=True)
class PreparedClip:
    """A turn's audio as the caller says it, with where speech and pauses are in it (seconds)."""

    audio: np.ndarray
    onset_s: float
    end_s: float
    pauses: tuple[tuple[float, float], ...]

    @property
    def duration_s(self) -> float:
        return self.audio.size / CAPTURE_RATE


def speech_bounds(audio: np.ndarray) -> tuple[float, float]:
    """(onset, end) of speech in a clean clip, in seconds."""
    n = audio.size // FRAME
    if n == 0:
        return 0.0, 0.0
    frames = audio[: n * FRAME].reshape(n, FRAME).astype(np.float64)
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    floor = np.percentile(level, 10)
    loud = level > max(floor + 10.0, -60.0)
    runs = np.flatnonzero(np.convolve(loud, np.ones(MIN_RUN), mode="valid") == MIN_RUN)
    if runs.size == 0:
        return 0.0, audio.size / CAPTURE_RATE
    return float(runs[0] * FRAME / CAPTURE_RATE), float((runs[-1] + MIN_RUN) * FRAME / CAPTURE_RATE)


def insert_pauses(
    audio: np.ndarray, pauses: tuple[tuple[float, float], ...]
) -> tuple[np.ndarray, tuple[tuple[float, float], ...]]:
    """Insert silences at clip times; returns the audio and the pauses on the new timeline."""
    parts = []
    placed = []
    cursor = 0
    shift = 0.0
    for at_s, duration_s in pauses:
        cut = min(audio.size, round(at_s * CAPTURE_RATE))
        parts.append(audio[cursor:cut])
        parts.append(np.zeros(round(duration_s * CAPTURE_RATE), dtype=np.float32))
        placed.append((at_s + shift, duration_s))
        shift += duration_s
        cursor = cut
    parts.append(audio[cursor:])
    return np.concatenate(parts).astype(np.float32), tuple(placed)


def prepare(path: Path, pauses: tuple[tuple[float, float], ...]) -> PreparedClip:
    """Load a clip (any rate, first channel) and insert its pauses."""
    clean = read_wav(path, CAPTURE_RATE)
    onset, end = speech_bounds(clean)
    audio, placed = insert_pauses(clean, pauses)
    shift_end = sum(d for at, d in pauses if at < end)
    shift_onset = sum(d for at, d in pauses if at < onset)
    return PreparedClip(audio, onset + shift_onset, end + shift_end, placed)
