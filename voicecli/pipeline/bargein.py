"""Barge-in: the caller speaking while the agent speaks.

A sound onset pauses playout at once (when the echo canceller can be trusted); the interruption
policy then hears more of it and either resumes the reply (a cough, a backchannel, the agent's
own echo) or hands the caller the floor: the reply is cancelled where it stopped and history
keeps only what was heard. This is the part of the session's state machine that runs while the
agent holds the floor; the session mixes it in.
"""

from __future__ import annotations

from voicecli.audio.playout import PlayoutRing
from voicecli.bus import EventBus
from voicecli.config import Config
from voicecli.events import (
    AssistantTurn,
    BargeIn,
    EchoStats,
    SoundOnset,
    TranscribeRequest,
    TurnDiscarded,
    TurnPaused,
    VadFrame,
)
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.reply import ReplyTracker, TurnRecord
from voicecli.pipeline.state import State
from voicecli.policy.echotrust import EchoTrust
from voicecli.policy.history import History
from voicecli.policy.interruption import InterruptionPolicy, Verdict
from voicecli.policy.turn import TurnPolicy

RATE = 16000
FRAME_S = 512 / RATE


class BargeInHandling:
    """The session's handling of speech over the agent's reply (mixed into Session)."""

    bus: EventBus
    config: Config
    playout: PlayoutRing
    generation: Generation
    history: History
    policy: TurnPolicy
    interruption: InterruptionPolicy
    reply: ReplyTracker | None
    record: TurnRecord | None
    suspect: TurnRecord | None
    resumed: tuple[int, int] | None  # (audio start, capture sample) of the last resumed suspect
    now_sample: int
    fade: int
    preroll: int
    probed_voiced: float
    in_speech: bool
    speech_end: int
    echo: EchoTrust
    state: State

    def open_turn(self, audio_start: int) -> TurnRecord:
        raise NotImplementedError

    def set_state(self, state: State) -> None:
        raise NotImplementedError

    def on_echo_stats(self, event: EchoStats) -> None:
        self.echo.reading(event.t, event.erl_db, event.erle_db)

    def on_sound_onset(self, event: SoundOnset) -> None:
        if self.state is State.SPEAKING and self.suspect is None:
            onset_s = event.sample / RATE
            if self.interruption.sound(onset_s, self.echo.trusted) is Verdict.PAUSE:
                self.pause_for_caller()

    def pause_for_caller(self) -> None:
        """Playout stops at the next device block; a tentative caller turn opens. If playout
        resumed for the caller only just now ("okay," and a breath), this is the same
        interruption going on, and its turn starts where that one did."""
        self.playout.pause(self.fade)
        onset = round(self.interruption.onset_s * RATE) if self.interruption.onset_s else 0
        audio_start = max(0, onset - self.preroll)
        resumed = self.resumed
        rules = self.config.interrupt
        if (
            resumed is not None
            and onset - resumed[1] <= rules.rejoin_s * RATE
            and onset - resumed[0] <= rules.rejoin_max_s * RATE  # not a chain of rejoins
        ):
            audio_start = min(audio_start, resumed[0])
        self.resumed = None
        self.suspect = self.open_turn(audio_start)
        self.suspect.onset = onset
        self.probed_voiced = 0.0
        self.bus.publish(BargeIn(self.bus.now(), self._gen(), "pause", onset))

    def on_frame_while_speaking(self, event: VadFrame) -> None:
        if not self.playout.paused:  # the agent is audible: the canceller is learning
            self.echo.agent_audible(FRAME_S)
        verdict = self.interruption.frame(
            event.sample / RATE, event.probability, FRAME_S, event.level_db, self.echo.trusted
        )
        if verdict is Verdict.PAUSE:
            self.pause_for_caller()
            return
        if verdict is not None:
            self.judge(verdict, "sound")
            return
        suspect = self.suspect
        confirm = self.config.interrupt.confirm_s
        if suspect is not None and self.interruption.voiced_s >= self.probed_voiced + confirm:
            self.probed_voiced = self.interruption.voiced_s  # more speech to read: transcribe it
            self.bus.publish(TranscribeRequest(self.bus.now(), suspect.turn, event.sample, False))

    def _gen(self) -> int:
        return self.reply.gen if self.reply is not None else 0

    def judge(self, verdict: Verdict | None, why: str) -> None:
        suspect = self.suspect
        if verdict is None or suspect is None:
            return
        if verdict is Verdict.RESUME:
            self.playout.resume(self.fade)
            self.suspect = None
            self.resumed = (suspect.audio_start, self.now_sample)
            self.bus.publish(
                TurnDiscarded(self.bus.now(), suspect.turn, f"not an interruption ({why})")
            )
            self.bus.publish(BargeIn(self.bus.now(), self._gen(), "resume", suspect.onset, why))
        elif verdict is Verdict.INTERRUPT:
            self.barge_in(suspect, why)

    def barge_in(self, suspect: TurnRecord, why: str) -> None:
        """The caller has the floor: stop the reply where it is, keep what was heard."""
        self.suspect = None
        reply = self.reply
        # what was heard is read before the flush, which cuts the playing span where it stopped
        heard = reply.heard(self.playout.state().read) if reply is not None else None
        gen = self.generation.bump()
        self.playout.flush(min_gen=gen)
        if reply is not None and heard is not None:
            self.history.add_assistant(heard.text, interrupted=True)
            self.bus.publish(AssistantTurn(self.bus.now(), reply.gen, heard.text, True))
            timings = reply.timings(self.bus.now())
            if timings is not None:
                self.bus.publish(timings)
            self.bus.publish(BargeIn(self.bus.now(), reply.gen, "interrupt", suspect.onset, why))
        self.reply = None
        self.take_floor(suspect)

    def take_floor(self, record: TurnRecord) -> None:
        """A turn that began while the agent spoke becomes the caller's turn."""
        self.interruption.reset()
        self.record = record
        self.policy.reset()
        self.policy.speech_started(record.onset / RATE)
        self.set_state(State.USER_SPEAKING)
        if not self.in_speech and self.speech_end > record.onset:  # they already stopped
            record.speech_end = self.speech_end
            self.policy.speech_ended(self.speech_end / RATE)
            self.bus.publish(TurnPaused(self.bus.now(), record.turn, self.speech_end))
