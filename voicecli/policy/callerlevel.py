"""The caller's own level at the mic: speech far below it is the room, not the caller.

Silero VAD hears any speech, and other people talking behind the caller (a café, a TV) are
speech: with babble at 20 dB below the caller, its probability stays over 0.5 in nearly every
frame after the caller stops, so the turn never ends and the caller is never answered. The
caller is nearer the mic than the room: their voiced frames set a level (the 90th percentile
of the recent ones), and a frame whose surroundings — the power of the last `smooth_frames`
frames, so the dips between a caller's syllables do not count — are more than
`caller_drop_db` below it counts as not speech once that has lasted `hold_frames` (a
caller's own short pauses end on the VAD alone, as before). Frames the gate lets through are the
caller's and keep the level current; until enough of them were heard, nothing is gated.

Below the caller is not enough: a caller's own quieter words can be 12-20 dB under their loud
ones (order-return-declined: "like to return" at -26..-34 dBFS between words at -13..-22), and
gating them split the turn after "return" and answered "I would like to return home.". So a
frame is the room only if it is also near the room's own level: within `room_margin_db` of the
10th percentile of every frame's level over the last `room_frames` (a crowd fills the gaps
between the caller's words, so that percentile is the crowd's — lowered by the canceller's
noise suppressor, which pulls a steady crowd down between its bursts; in a quiet room it is
the noise floor, far under any word of the caller's). A crowd that starts mid-call is gated
once it filled nine tenths of that window (scripts/compare-caller-gate measures the rule).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from voicecli.bounds import within


@dataclass(frozen=True)
class CallerLevelRules:
    """How far below the caller's voice a frame is the room, and when the level is known."""

    caller_drop_db: float = within(10.0, 3.0, 80.0, "dB")
    smooth_frames: int = within(8, 1, 100, "frames")
    hold_frames: int = within(10, 1, 100, "frames")
    known_after_frames: int = within(15, 1, 1000, "frames")
    memory_frames: int = within(600, 10, 100000, "frames")
    room_margin_db: float = within(15.0, 1.0, 1000.0, "dB")
    room_frames: int = within(156, 10, 100000, "frames")


ROOM_PERCENTILE = 10.0  # the room's level: a low percentile of every frame's, quiet gaps included


class CallerLevel:
    """Tracks the caller's voice level and gates VAD probabilities with it."""

    def __init__(self, rules: CallerLevelRules, threshold: float) -> None:
        self.rules = rules
        self.threshold = threshold
        self.levels: deque[float] = deque(maxlen=rules.memory_frames)
        self.room: deque[float] = deque(maxlen=rules.room_frames)  # every frame's level
        self.recent: deque[float] = deque(maxlen=rules.smooth_frames)
        self.level_db: float | None = None
        self.below = 0  # frames in a row under the caller's level

    def gate(self, probability: float, level_db: float) -> float:
        """The probability that this frame is the caller speaking."""
        self.recent.append(10.0 ** (level_db / 10.0))
        self.room.append(level_db)
        around_db = 10.0 * float(np.log10(np.mean(np.fromiter(self.recent, float)) + 1e-12))
        under = (
            self.level_db is not None
            and around_db < self.level_db - self.rules.caller_drop_db
            and around_db < self.room_db() + self.rules.room_margin_db
        )
        self.below = self.below + 1 if under else 0
        gated = 0.0 if self.below >= self.rules.hold_frames else probability
        if gated >= self.threshold:
            self.levels.append(level_db)
            if len(self.levels) >= self.rules.known_after_frames:
                self.level_db = float(np.percentile(np.fromiter(self.levels, float), 90))
        return gated

    def at_floor(self, level_db: float, margin_db: float) -> bool:
        """Is a frame at `level_db` within `margin_db` of the room's floor (known once half of
        `room_frames` were heard)? Speech adds its power to the room's: a caller even as loud
        as the room's noise stands 3 dB over it."""
        known = len(self.room) >= self.rules.room_frames // 2
        return known and level_db <= self.room_db() + margin_db

    def room_db(self) -> float:
        """The room's level: what the quietest tenth of the recent frames reaches."""
        return float(np.percentile(np.fromiter(self.room, float), ROOM_PERCENTILE))
