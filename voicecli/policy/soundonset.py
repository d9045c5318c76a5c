"""Is this echo-cancelled frame a sudden sound in the room (a fast barge-in), or the agent's own?

A frame louder than `sound_onset_db` after 100 ms under it is a sudden sound, unless the
canceller took much of it out: then it is the residual of a loud word of the agent's coming
back. How much is "much" depends on the canceller. One that has been taking 25 dB out of the
echo leaves a loud word's residual with 15 dB taken out, so more than `onset_max_removed_db`
(10 dB) removed is the agent's. One that has been taking 60 dB out (a linear, sample-exact echo
path, as on a clocked loopback card) leaves no such residual, while a caller who speaks under
an echo 10 dB louder than themselves shows 10-12 dB removed (the mic holds both, the output
only the caller) and would wait for the VAD frames, 32-64 ms later. So the limit is the larger
of `onset_max_removed_db` and the canceller's recent removal less `onset_removal_margin_db`:
a frame is the agent's residual only if the canceller took nearly as much out of it as it has
been taking out of the echo.
In a loud room (a café's babble at the caller's mic) frames pass an absolute level all the
time: babble 10 dB under the caller crosses -33 dBFS after every lull, and a long reply over it
paused ~100 times a call for nobody. So the level a sudden sound must reach is also
`onset_over_room_db` above the room: the RMS level of the cleaned mic over the last
`ROOM_MEMORY_S` (an RMS, not a median: a median falls into a crowd's lulls). In a quiet room
that is far below `sound_onset_db` and changes nothing; a caller nearer the mic than the crowd
still rises above it, and one who does not is left to the VAD frames. The room only raises
the bar: the quiet before an onset is still judged against `sound_onset_db`.
A frame soon after the sound card broke its streams (an xrun: a period lost) is never an onset:
the echo path jumps by a period, and the canceller leaves a loud residual until it has caught up
(on the JACK rig, ERLE fell from 90 to 10 dB and the agent paused for nobody 24-90 ms after
an xrun). The VAD frames still judge such a sound.
Pure logic: levels in dBFS, one call per echo-canceller frame.
"""

from __future__ import annotations

import math
from collections import deque
from statistics import median

from voicecli.policy.interruption import InterruptRules

QUIET_BEFORE_S = 0.1  # an onset follows this much quiet
ECHO_PRESENT_DB = -50.0  # a mic frame this loud has echo (or a caller) worth measuring
REMOVAL_MEMORY_S = 0.5  # the canceller's recent removal: the median over this much
ROOM_MEMORY_S = 1.5  # the room's level: the cleaned mic's RMS over this much


class SoundOnsetDetector:
    """Finds sudden loud sounds on the cleaned mic, frame by frame."""

    def __init__(self, rules: InterruptRules, frame_s: float) -> None:
        self.onset_db = rules.sound_onset_db
        self.over_room_db = rules.onset_over_room_db
        self.room: deque[float] = deque(maxlen=max(1, round(ROOM_MEMORY_S / frame_s)))  # powers
        self.max_removed_db = rules.onset_max_removed_db
        self.margin_db = rules.onset_removal_margin_db
        self.quiet_frames_needed = max(1, round(QUIET_BEFORE_S / frame_s))
        self.quiet_frames = 0
        self.removals: deque[float] = deque(maxlen=max(1, round(REMOVAL_MEMORY_S / frame_s)))

    def removal_limit_db(self) -> float:
        """More than this taken out of a loud frame: the agent's residual."""
        if not self.removals:
            return self.max_removed_db
        return max(self.max_removed_db, median(self.removals) - self.margin_db)

    def loud_db(self) -> float:
        """A frame this loud is a sound (quieter: the room's usual level, or quiet)."""
        if not self.room:
            return self.onset_db
        power = sum(self.room) / len(self.room)
        room_db = 10.0 * math.log10(power + 1e-12)  # its RMS: a crowd's lulls do not lower it
        return max(self.onset_db, room_db + self.over_room_db)

    def frame(self, clean_db: float, mic_db: float, after_break: bool = False) -> bool:
        """One frame: its level after cancellation and the mic's (the louder of this frame
        and the one before: the canceller's output lags by up to a frame), and whether the
        device broke its streams within `break_guard_s` before it. True: an onset."""
        removed = mic_db - clean_db
        onset = False
        if clean_db < self.onset_db:
            self.quiet_frames += 1
        else:  # the room only raises the bar: a loud room makes no onset a quiet one would not
            after_quiet = self.quiet_frames >= self.quiet_frames_needed
            mine = removed > self.removal_limit_db()
            onset = after_quiet and not mine and not after_break and clean_db >= self.loud_db()
            self.quiet_frames = 0
        self.room.append(10.0 ** (clean_db / 10.0))  # after: the room is what came before
        if mic_db >= ECHO_PRESENT_DB:
            self.removals.append(removed)
        return onset
