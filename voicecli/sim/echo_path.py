"""A simulated acoustic echo path: what a laptop mic hears of its own speaker."""

from __future__ import annotations

import numpy as np


def room_impulse(rate: int, reverb_ms: float, seed: int = 0) -> np.ndarray:
    """A unit direct path followed by an exponentially decaying noise tail of `reverb_ms`."""
    if reverb_ms <= 0:
        return np.ones(1, dtype=np.float32)
    n = max(1, int(rate * reverb_ms / 1000.0))
    rng = np.random.default_rng(seed)
    decay = np.exp(-6.9 * np.arange(n) / n)  # -60 dB at the end of the tail
    tail = rng.standard_normal(n) * decay * 0.3 / np.sqrt(n / 100.0)
    impulse = np.concatenate([[1.0], tail]).astype(np.float32)
    return impulse


def echo_of(
    far: np.ndarray, rate: int, delay_ms: float, gain_db: float, reverb_ms: float = 0.0
) -> np.ndarray:
    """The echo of `far` at the mic: delayed, attenuated, optionally reverberant; same length."""
    impulse = room_impulse(rate, reverb_ms) * np.float32(10.0 ** (gain_db / 20.0))
    wet = np.convolve(far.astype(np.float32), impulse)[: far.size]
    delay = round(rate * delay_ms / 1000.0)
    out = np.zeros(far.size, dtype=np.float32)
    if delay < far.size:
        out[delay:] = wet[: far.size - delay]
    return out
