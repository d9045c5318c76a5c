"""Is this VAD frame speech? The one home of the probability thresholds and their hysteresis.

A frame at or above `onset` can start speech; once speech has started, frames down to
`release` keep it going. Two judgements use it, each with its own pair from config.toml: the
segmenter that finds the caller's speech ([speech] threshold / release) and the barge-in
judgement over the agent's own reply ([interrupt] onset_probability / release_probability,
stricter to start, since the residual of the agent's echo is there too). Everything else reads
the segmenter's verdict, which the listener puts on every VadFrame (`voiced`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hysteresis:
    """Speech by probability: starts at `onset`, holds down to `release`."""

    onset: float
    release: float

    def starts(self, probability: float) -> bool:
        return probability >= self.onset

    def holds(self, probability: float) -> bool:
        return probability >= self.release

    def voiced(self, probability: float, in_speech: bool) -> bool:
        return self.holds(probability) if in_speech else self.starts(probability)
