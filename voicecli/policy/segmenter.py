"""Speech segmentation from per-frame VAD probabilities, with pre-roll and hang-over.

Onset: `onset_frames` consecutive frames at or above `threshold` (so a click is not speech); the
speech start reported is the first of those frames, and the audio a listener should keep starts
`preroll_frames` earlier (no clipped first syllable). Offset: `hangover_frames` consecutive
frames below `release` (hysteresis); the speech end reported is the end of the last voiced frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from voicecli.bounds import within
from voicecli.policy.voicing import Hysteresis


@dataclass(frozen=True)
class SegmenterRules:
    """Thresholds and frame counts (32 ms frames at 16 kHz)."""

    threshold: float = within(0.5, 0.05, 0.95)
    release: float = within(0.35, 0.01, 0.95)
    onset_frames: int = within(2, 1, 20, "frames")
    hangover_frames: int = within(2, 1, 50, "frames")
    preroll_frames: int = within(10, 0, 50, "frames")


@dataclass(frozen=True)
class SpeechStart:
    """Speech began at frame `onset`; keep audio from frame `audio_start`."""

    onset: int
    audio_start: int


@dataclass(frozen=True)
class SpeechEnd:
    """Speech ended: `end` is the frame after the last voiced one."""

    end: int


class Segmenter:
    """Turns a stream of (frame index, probability) into speech start and end events."""

    def __init__(self, rules: SegmenterRules | None = None) -> None:
        self.rules = rules or SegmenterRules()
        self.voicing = Hysteresis(self.rules.threshold, self.rules.release)
        self.in_speech = False
        self.run = 0
        self.last_voiced = -1

    def voiced(self, probability: float) -> bool:
        """Is this frame speech, given where we are (hysteresis)?"""
        return self.voicing.voiced(probability, self.in_speech)

    def push(self, frame: int, probability: float) -> SpeechStart | SpeechEnd | None:
        rules = self.rules
        if not self.in_speech:
            self.run = self.run + 1 if self.voicing.starts(probability) else 0
            if self.run >= rules.onset_frames:
                self.in_speech = True
                self.last_voiced = frame
                onset = frame - rules.onset_frames + 1
                self.run = 0
                return SpeechStart(onset, max(0, onset - rules.preroll_frames))
            return None
        if self.voicing.holds(probability):
            self.last_voiced = frame
            self.run = 0
            return None
        self.run += 1
        if self.run >= rules.hangover_frames:
            self.in_speech = False
            self.run = 0
            return SpeechEnd(self.last_voiced + 1)
        return None
