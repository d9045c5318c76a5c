"""Barge-in judgement: the caller's sound over the agent's reply, heard until it is judged.

The part of the conversation core that runs while the agent holds the floor. A sound onset (or
speech-like VAD frames) pauses playout when the echo canceller can be trusted and a tentative
caller turn — the suspect — opens; more of it is heard (frames, and transcripts of it) until
the interruption policy says resume (a cough, a backchannel, the agent's own echo) or
interrupt (the caller takes the floor). This object keeps that judgement's state; the core
acts on what it says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from voicecli.audioformat import CAPTURE_RATE, FRAME_S
from voicecli.core.callerturn import CallerTurn
from voicecli.events import EchoStats, SoundOnset, VadFrame
from voicecli.policy.echotrust import EchoTrust
from voicecli.policy.interruption import InterruptionPolicy, InterruptRules, Verdict


class Heard(Enum):
    """What one frame of sound over the reply means."""

    NOTHING = "nothing"
    PAUSE = "pause"  # a caller may be starting: pause playout, open a suspect turn
    RESUME = "resume"  # it was nothing: carry on playing
    INTERRUPT = "interrupt"  # the caller takes the floor
    PROBE = "probe"  # more of the suspect's speech to read: transcribe it


@dataclass
class Rejoin:
    """A suspect that was judged nothing only just now ("okay," and a breath)."""

    audio_start: int
    resumed_at: int  # capture sample when playout resumed


class Interruptions:
    """The judgement of sound heard while the agent speaks."""

    def __init__(self, rules: InterruptRules, aec: bool, preroll: int) -> None:
        self.rules = rules
        self.policy = InterruptionPolicy(rules)
        self.echo = EchoTrust(rules, aec)
        self.preroll = preroll
        self.suspect: CallerTurn | None = None
        self.rejoin: Rejoin | None = None
        self.probed_voiced = 0.0
        self.playout_paused = False

    def echo_stats(self, event: EchoStats) -> None:
        self.echo.reading(event.t, event.erl_db, event.erle_db)

    def sound_onset(self, event: SoundOnset) -> bool:
        """A sudden loud sound: pause now (the frames judge it) when nothing is being judged."""
        if self.suspect is not None:
            return False
        verdict = self.policy.sound(event.sample / CAPTURE_RATE, self.echo.trusted)
        return verdict is Verdict.PAUSE

    def device_break(self, sample: int) -> Heard:
        """The device broke its streams at `sample`. Its flag can come after the jump's audio
        was judged: a suspect whose onset was within `break_guard_s` of the break, before it
        or after, is taken for the jump, as the listener would have taken it had the flag
        come in time (a caller then pauses the agent again once the guard has passed, and the
        turn rejoins)."""
        suspect = self.suspect
        guard = self.rules.break_guard_s * CAPTURE_RATE
        if suspect is not None and suspect.onset and abs(sample - suspect.onset) <= guard:
            return Heard.RESUME
        return Heard.NOTHING

    def frame(self, event: VadFrame) -> Heard:
        if not self.playout_paused:  # the agent is audible: the canceller is learning
            self.echo.agent_audible(FRAME_S)
        verdict = self.policy.frame(
            event.sample / CAPTURE_RATE,
            event.probability,
            FRAME_S,
            event.level_db,
            self.echo.trusted and not event.after_break,  # a device xrun's jump is not a caller
        )
        if verdict is not None:
            return Heard(verdict.value)
        suspect = self.suspect
        confirm = self.rules.confirm_s
        if suspect is not None and self.policy.voiced_s >= self.probed_voiced + confirm:
            self.probed_voiced = self.policy.voiced_s
            return Heard.PROBE
        return Heard.NOTHING

    def transcript(self, text: str, played: str) -> Heard:
        verdict = self.policy.transcript(text, played)
        return Heard.NOTHING if verdict is None else Heard(verdict.value)

    def suspect_start(self) -> tuple[int, int]:
        """(audio start, onset sample) of the suspect turn opening now. If playout resumed for
        the caller only just now, this is the same interruption going on, and its turn starts
        where that one did."""
        onset_s = self.policy.onset_s
        onset = round(onset_s * CAPTURE_RATE) if onset_s else 0
        audio_start = max(0, onset - self.preroll)
        rejoin = self.rejoin
        if (
            rejoin is not None
            and onset - rejoin.resumed_at <= self.rules.rejoin_s * CAPTURE_RATE
            and onset - rejoin.audio_start <= self.rules.rejoin_max_s * CAPTURE_RATE
        ):
            audio_start = min(audio_start, rejoin.audio_start)  # not a chain of rejoins
        self.rejoin = None
        return audio_start, onset

    def hold(self, suspect: CallerTurn) -> None:
        """Judge `suspect` from now on."""
        self.suspect = suspect
        self.probed_voiced = 0.0

    def resumed(self, now_sample: int) -> CallerTurn | None:
        """The suspect was nothing; it may yet be rejoined by what follows."""
        suspect, self.suspect = self.suspect, None
        if suspect is not None:
            self.rejoin = Rejoin(suspect.audio_start, now_sample)
        return suspect

    def release(self) -> CallerTurn | None:
        """The suspect stops being judged (it takes the floor)."""
        suspect, self.suspect = self.suspect, None
        return suspect

    def reset(self) -> None:
        self.policy.reset()
