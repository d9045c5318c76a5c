"""The conversation core's steps while the agent holds the floor: pause, judge, resume or cut.

A sound onset or speech-like frames over the reply pause playout at once and open a tentative
caller turn (the suspect); the core's Interruptions judge it from more frames and transcripts;
playout resumes (a cough, "okay", the agent's own echo) or the caller takes the floor, and
once playout says where it stopped, history keeps only what was heard. These are methods of
the conversation core (core/conversation.py), kept apart so each file holds one part of it.
"""

from __future__ import annotations

from voicecli import events as ev
from voicecli.audioformat import CAPTURE_RATE
from voicecli.core.callerturn import CallerTurn
from voicecli.core.effects import Effect, PausePlayout, ResumePlayout
from voicecli.core.interruptions import Heard, Interruptions
from voicecli.core.memory import CallMemory
from voicecli.core.mode import CoreMode
from voicecli.core.reducer import Reducer
from voicecli.core.reply import ReplyHandle
from voicecli.policy.turn import TurnPolicy
from voicecli.terms import BargeInAction, State

Output = ev.Event | Effect


class BargeInSteps(Reducer[Output]):
    """Barge-in, as steps of the conversation core (which sets every attribute named here and
    gives the four methods it calls back)."""

    interruptions: Interruptions
    memory: CallMemory
    mode: CoreMode
    policy: TurnPolicy
    state: State
    reply: ReplyHandle | None
    cutting: tuple[ReplyHandle, CallerTurn, str] | None
    fade: int
    turns: int
    now_sample: int
    in_speech: bool
    speech_end: int
    onset_since_speech: ev.SoundOnset | None

    def open_turn(self, audio_start: int) -> CallerTurn:
        raise NotImplementedError

    def drop_reply(self) -> ReplyHandle | None:
        raise NotImplementedError

    def new_generation(self) -> int:
        raise NotImplementedError

    def caller_speaks(self, turn: CallerTurn, at_s: float) -> None:
        raise NotImplementedError

    def on_sound_onset(self, event: ev.SoundOnset) -> None:
        if self.onset_since_speech is None and not self.in_speech:
            self.onset_since_speech = event
        if self.state is State.SPEAKING and self.interruptions.sound_onset(event):
            self.pause_for_caller()

    def on_device_break(self, event: ev.DeviceBreak) -> None:
        if self.state is State.SPEAKING:
            self.judge(self.interruptions.device_break(event.sample), "device xrun")

    def on_frame_while_speaking(self, event: ev.VadFrame) -> None:
        heard = self.interruptions.frame(event)
        if heard is Heard.PAUSE:
            self.pause_for_caller()
        elif heard is Heard.PROBE:
            suspect = self.interruptions.suspect
            assert suspect is not None
            self.emit(ev.TranscribeRequest(self.now, suspect.turn, event.sample, False))
        elif heard is not Heard.NOTHING:
            self.judge(heard, "sound")

    def pause_for_caller(self) -> None:
        """Playout stops at the next device block; a tentative caller turn opens."""
        self.emit(PausePlayout(self.fade))
        self.interruptions.playout_paused = True
        audio_start, onset = self.interruptions.suspect_start()
        suspect = self.open_turn(audio_start)
        suspect.onset = onset
        self.interruptions.hold(suspect)
        self.emit(ev.BargeIn(self.now, self._gen(), BargeInAction.PAUSE, onset))

    def _gen(self) -> int:
        return self.reply.gen if self.reply is not None else 0

    def judge(self, heard: Heard, why: str) -> None:
        suspect = self.interruptions.suspect
        if suspect is None:
            return
        if heard is Heard.RESUME:
            self.emit(ResumePlayout(self.fade))
            self.interruptions.playout_paused = False
            self.interruptions.resumed(self.now_sample)
            reason = f"not an interruption ({why})"
            self.emit(ev.TurnDiscarded(self.now, suspect.turn, reason))
            self.emit(ev.BargeIn(self.now, self._gen(), BargeInAction.RESUME, suspect.onset, why))
        elif heard is Heard.INTERRUPT:
            self.barge_in(why)

    def barge_in(self, why: str) -> None:
        """The caller has the floor: stop the reply where it is; once playout says where it
        stopped (ev.PlayoutStopped), history keeps what was heard."""
        suspect = self.interruptions.release()
        assert suspect is not None
        reply = self.drop_reply()
        if reply is not None:
            self.cutting = (reply, suspect, why)
        self.new_generation()
        if reply is None:
            self.take_floor(suspect)

    def on_playout_stopped(self, event: ev.PlayoutStopped) -> None:
        if self.cutting is None:
            return
        reply, suspect, why = self.cutting
        self.cutting = None
        heard = reply.heard(event.position)
        self.emit_all(
            self.memory.heard(self.now, heard.text, True, self.turns, self.mode.speculate, True)
        )
        self.emit(ev.AssistantTurn(self.now, reply.gen, heard.text, True))
        self.emit(ev.BargeIn(self.now, reply.gen, BargeInAction.INTERRUPT, suspect.onset, why))
        self.take_floor(suspect)

    def take_floor(self, turn: CallerTurn) -> None:
        """A turn that began while the agent spoke becomes the caller's turn."""
        self.interruptions.reset()
        self.caller_speaks(turn, turn.onset / CAPTURE_RATE)
        if not self.in_speech and self.speech_end > turn.onset:  # they already stopped
            turn.speech_end = self.speech_end
            self.policy.speech_ended(self.speech_end / CAPTURE_RATE)
            self.emit(ev.TurnPaused(self.now, turn.turn, self.speech_end))
