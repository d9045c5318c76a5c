"""Where the speaker's echo really is in the microphone, measured from the two signals.

The far-end ring places each played sample on the microphone's timeline from the devices'
timestamps. When those are wrong the echo can reach the microphone before its reference does:
PortAudio on a JACK server reports about 60 ms more latency than there is, so the echo led
the reference by 36 ms and the canceller, a causal filter, removed nothing (ERLE 0 dB; the
JACK rig, tests/rig). This measures the lag: in quarter-second windows where the speaker played,
the raw microphone is cross-correlated with the far end over ±250 ms, and once three windows
agree, the reference is read ahead (or behind) so the echo follows it by `margin`. While the
measured lag is already in range (the echo after its reference, well inside the filter) it
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voicecli.audio.levels import dbfs
from voicecli.audio.ring import SampleRing
from voicecli.audioformat import CAPTURE_RATE


@dataclass(frozen=True)
class EchoDelayRules:
    """How the echo's lag is measured and when it moves the reference (samples at 16 kHz)."""

    window: int = CAPTURE_RATE // 4
    max_lag: int = CAPTURE_RATE // 4
    min_far_dbfs: float = -45.0  # a window whose far end is quieter has no echo to find
    min_correlation: float = 0.5  # a peak lower than this is the caller, noise or nothing
    agree: int = 3  # consecutive windows within `tolerance` of each other make a measurement
    tolerance: int = 32
    margin: int = 80  # the echo should follow its reference by this much (5 ms)
    longest: int = 1600  # lags beyond this (100 ms, half the filter) are moved back too


def echo_lag(mic: np.ndarray, far: np.ndarray, max_lag: int) -> tuple[int, float]:
    """The lag d (samples) at which `mic` best matches `far` delayed by d, and how well
    (normalised correlation). `far` covers `max_lag` samples either side of `mic`'s window."""
    width = mic.size
    size = 1 << int(np.ceil(np.log2(far.size + width)))
    raw = np.fft.irfft(np.fft.rfft(far, size) * np.conj(np.fft.rfft(mic, size)), size)
    raw = raw[: 2 * max_lag + 1]  # raw[j] = sum(mic[n] * far[n + j])
    energy = np.concatenate([[0.0], np.cumsum(far.astype(np.float64) ** 2)])
    far_energy = energy[width : width + 2 * max_lag + 1] - energy[: 2 * max_lag + 1]
    far_norms = np.sqrt(np.maximum(far_energy, 0.0))
    heard = far_norms > 1e-3 * far_norms.max(initial=0.0)  # a silent stretch matches nothing
    scores = np.where(heard, raw / (np.linalg.norm(mic) * far_norms + 1e-12), 0.0)
    best = int(np.argmax(np.abs(scores)))
    return max_lag - best, float(abs(scores[best]))


class EchoDelay:
    """The reference's advance (samples) that puts the echo `margin` after it."""

    def __init__(self, capture: SampleRing, far: SampleRing, rules: EchoDelayRules) -> None:
        self.capture = capture
        self.far = far
        self.rules = rules
        self.advance = 0
        self.measured: int | None = None  # the lag the advance was set from
        self._next = rules.max_lag  # the next window's first sample
        self._recent: list[int] = []

    def update(self, cursor: int) -> None:
        """Measure every whole window the microphone has passed (with `max_lag` beyond it, so
        the far end is there to compare with)."""
        rules = self.rules
        while cursor >= self._next + rules.window + rules.max_lag:
            start, self._next = self._next, self._next + rules.window
            far = self.far.read(start - rules.max_lag, start + rules.window + rules.max_lag)
            if far.size < rules.window + 2 * rules.max_lag or dbfs(far) < rules.min_far_dbfs:
                continue
            mic = self.capture.read(start, start + rules.window)
            if mic.size < rules.window or not mic.any():
                continue
            lag, score = echo_lag(mic, far, rules.max_lag)
            if score >= rules.min_correlation:
                self._heard(lag)

    def _heard(self, lag: int) -> None:
        rules = self.rules
        self._recent = [*self._recent[-(rules.agree - 1) :], lag]
        if len(self._recent) < rules.agree:
            return
        if max(self._recent) - min(self._recent) > rules.tolerance:
            return
        lag = int(np.median(self._recent))
        in_range = rules.margin <= lag <= rules.longest
        advance = 0 if in_range else rules.margin - lag
        if abs(advance - self.advance) > rules.tolerance:
            self.advance = advance
            self.measured = lag
