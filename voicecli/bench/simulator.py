"""The simulated caller: a virtual microphone that speaks a scenario's turns on cue.

Each turn's clip is placed on the microphone timeline at its anchor — a time from the start
(`at`), the end of the agent's reply (`after_reply`) or its first sample (`during_reply`), plus
`delay_s`. The simulator finds the agent's replies by listening to the virtual speaker itself
(samples above a threshold), not from the agent's events. It mixes in the echo of what the
speaker played (gain, delay, room tail) and a noise floor, and records where every turn went:
that record is the bench's ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import soxr

from voicecli.audio.ring import SampleRing
from voicecli.audioformat import CAPTURE_RATE
from voicecli.bench.clips import PreparedClip, prepare
from voicecli.bench.scenario import Scenario, Turn, voice_cache
from voicecli.bench.voices import babble_at
from voicecli.sim.echo_path import room_impulse

ACTIVE = 1e-3  # a speaker sample louder than this is agent speech
REPLY_QUIET_S = 1.2  # this much silence after agent speech ends a reply (sentence gaps are shorter)
TAIL_S = 1.0  # listening after the last turn before the simulator is finished
MAX_REPLY_S = 120.0  # the longest a caller listens to one reply


def heard_in_the_room(
    audio: np.ndarray, noise_dbfs: float | None, babble_dbfs: float | None, seed: int
) -> np.ndarray:
    """A whole clip as the simulated microphone hears it: the room's steady noise floor and its
    crowd added (for the offline comparisons in scripts/, which decode clips, not a call)."""
    rng = np.random.default_rng(seed)
    out = audio.astype(np.float32).copy()
    if noise_dbfs is not None:
        out += (rng.standard_normal(out.size) * 10.0 ** (noise_dbfs / 20.0)).astype(np.float32)
    if babble_dbfs is not None:
        crowd = babble_at(voice_cache(), babble_dbfs, seed)
        out += crowd[np.arange(out.size) % crowd.size]
    return out


@dataclass(frozen=True)
class Placement:
    """Where a turn was spoken, on the microphone timeline (seconds from sample 0)."""

    index: int
    turn: Turn
    start_s: float
    onset_s: float
    end_s: float
    pauses: tuple[tuple[float, float], ...]
    anchor: str
    late_s: float = 0.0


@dataclass
class Reply:
    """A stretch of agent speech on the speaker timeline (seconds)."""

    start_s: float
    end_s: float
    ended: bool = False


class CallerSimulator:
    """A MicSignal that plays a scenario against the agent, in real time."""

    def __init__(self, scenario: Scenario, out_rate: int, seed: int = 0) -> None:
        self.scenario = scenario
        self.out_rate = out_rate
        self.clips: list[PreparedClip] = [prepare(t.audio, t.pauses) for t in scenario.turns]
        self.placements: list[Placement] = []
        self._next = 0  # the next turn of the scenario (a `when_asked` turn may be skipped)
        self._said: list[tuple[int, str]] = []  # reply text, by how many turns were placed
        self.replies: list[Reply] = []
        self._placed: list[tuple[int, np.ndarray]] = []  # (first mic sample, clip audio)
        self._far: SampleRing | None = None  # the speaker heard at 16 kHz, for the echo only
        self._resampler = soxr.ResampleStream(
            out_rate, CAPTURE_RATE, 1, dtype="float32", quality="QQ"
        )
        self._played = 0
        self._quiet = 0
        self._rng = np.random.default_rng(seed)
        caller = scenario.caller
        self._echo = None
        if caller.echo_gain_db is not None:
            impulse = room_impulse(CAPTURE_RATE, caller.echo_reverb_ms, seed)
            self._echo = impulse * np.float32(10.0 ** (caller.echo_gain_db / 20.0))
            self._echo_delay = round(caller.echo_delay_ms * CAPTURE_RATE / 1000.0)
            # what the echo still reaches back to, and a second of blocks besides
            self._far = SampleRing(self._echo_delay + self._echo.size + CAPTURE_RATE)
        self._noise = (
            None if caller.noise_dbfs is None else float(10.0 ** (caller.noise_dbfs / 20.0))
        )
        self._babble: np.ndarray | None = None
        if caller.babble_dbfs is not None:
            self._babble = babble_at(voice_cache(), caller.babble_dbfs, seed)

    # -- MicSignal -------------------------------------------------------------------------------

    def read(self, start: int, count: int, played: np.ndarray) -> np.ndarray:
        self._hear(played)
        now_s = (start + count) / CAPTURE_RATE
        self._schedule(now_s)
        block = np.zeros(count, dtype=np.float32)
        for first, audio in self._placed:
            lo, hi = max(start, first), min(start + count, first + audio.size)
            if lo < hi:
                block[lo - start : hi - start] += audio[lo - first : hi - first]
        if self._echo is not None:
            block += self._echo_block(start, count)
        if self._noise is not None:
            block += (self._rng.standard_normal(count) * self._noise).astype(np.float32)
        if self._babble is not None:
            at = np.arange(start, start + count) % self._babble.size
            block += self._babble[at]
        return block

    def finished(self, next_sample: int) -> bool:
        if self._next < len(self.clips) or not self.placements:
            return False
        last = self.placements[-1]
        return (
            next_sample / CAPTURE_RATE >= last.start_s + self.clips[last.index].duration_s + TAIL_S
        )

    def duration_s(self) -> float:
        return 0.0  # when the caller is done depends on what the agent says

    def agent_said(self, text: str) -> None:
        """A piece of the agent's reply, as written (the bench tells; `when_asked` reads it)."""
        self._said.append((len(self.placements), text))

    def _asked(self, turn: Turn) -> bool:
        heard = " ".join(t for n, t in self._said if n == len(self.placements))
        return turn.when_asked.lower() in heard.lower()

    # -- the agent's replies, heard at the speaker ------------------------------------------------

    def _hear(self, played: np.ndarray) -> None:
        at = self._played
        self._played += played.size
        if self._far is not None:
            self._far.write(self._resampler.resample_chunk(played.astype(np.float32)))
        loud = np.flatnonzero(np.abs(played) > ACTIVE)
        if loud.size:
            first_s = (at + loud[0]) / self.out_rate
            last_s = (at + loud[-1] + 1) / self.out_rate
            if not self.replies or self.replies[-1].ended:
                self.replies.append(Reply(first_s, last_s))
            else:
                self.replies[-1].end_s = last_s
        elif (
            self.replies
            and not self.replies[-1].ended
            and self._played / self.out_rate - self.replies[-1].end_s >= REPLY_QUIET_S
        ):
            self.replies[-1].ended = True

    def _reply_after(self, after_s: float) -> Reply | None:
        return next((r for r in self.replies if r.start_s >= after_s), None)

    # -- placing turns ---------------------------------------------------------------------------

    def _anchor(self, turn: Turn, now_s: float) -> float | None:
        """The time the next turn should start, or None while its anchor is not known yet.

        Reply anchors refer to the reply to the latest turn that expects one (a backchannel
        does not), the first to start after that turn's speech ended: `during_reply` counts
        from its first sample, `after_reply` from its end.
        """
        asking = [p for p in self.placements if p.turn.kind != "backchannel"]
        previous = asking[-1] if asking else None
        if turn.start == "at" or previous is None:
            return turn.delay_s
        # the reply a person answers came after they finished: one that started while they
        # were still speaking (a reply to their first half, cut when they went on) is not it
        reply = self._reply_after(previous.end_s)
        # the caller gives up on a reply that never starts; one that started is heard out
        # (up to MAX_REPLY_S: a stuck agent must not stall the run)
        patience = self.scenario.reply_timeout_s if reply is None else MAX_REPLY_S
        timeout_at = self.placements[-1].end_s + patience
        if turn.start == "during_reply":
            if reply is not None:
                return reply.start_s + turn.delay_s
        elif reply is not None and reply.ended:
            return reply.end_s + turn.delay_s
        return timeout_at if now_s >= timeout_at else None

    def _schedule(self, now_s: float) -> None:
        while self._next < len(self.clips):
            index = self._next
            turn = self.scenario.turns[index]
            wanted = self._anchor(turn, now_s)
            if wanted is None:
                return
            self._next += 1
            if turn.when_asked and not self._asked(turn):
                continue  # the agent did not ask: the caller has nothing to answer
            start = max(wanted, now_s)  # an anchor learnt late starts now (recorded as late)
            if self.placements:
                previous = self.placements[-1]
                start = max(start, previous.start_s + self.clips[previous.index].duration_s)
            clip = self.clips[index]
            self._place(clip.audio, start)
            self.placements.append(
                Placement(
                    index=index,
                    turn=turn,
                    start_s=start,
                    onset_s=start + clip.onset_s,
                    end_s=start + clip.end_s,
                    pauses=tuple((start + at, d) for at, d in clip.pauses),
                    anchor=turn.start,
                    late_s=max(0.0, start - wanted),
                )
            )

    def _place(self, audio: np.ndarray, start_s: float) -> None:
        """The clip goes on the mic timeline by reference: the timeline is the placed clips,
        not an array as long as the call (one that grew, or was copied, with every block)."""
        self._placed.append((round(start_s * CAPTURE_RATE), audio))

    def _echo_block(self, start: int, count: int) -> np.ndarray:
        """What the mic hears of the speaker for mic samples [start, start + count)."""
        assert self._echo is not None and self._far is not None
        taps = self._echo.size
        lo = start - self._echo_delay - taps + 1
        hi = start - self._echo_delay + count
        window = np.zeros(hi - lo, dtype=np.float32)
        heard = self._far.read(max(lo, 0), hi)
        window[max(lo, 0) - lo : max(lo, 0) - lo + heard.size] = heard
        return np.convolve(window, self._echo, mode="valid").astype(np.float32)
