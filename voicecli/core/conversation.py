"""The conversation core: who holds the floor, when a turn is committed, and barge-in.

listening → user speaking → thinking → speaking → listening. A threadless reducer: events in
(speech, transcripts, reply progress, playout progress), events and effects out, the time of
each event handed in. It asks the turn policy when the caller is done and only then commits:
the user turn enters history, a new reply generation starts. Before that the only work it asks
for is reversible (prefilling the LLM's cache, a read-only tool prefetch). Speech while the
agent thinks reopens the turn (the reply is cancelled, nothing was heard) or supersedes it.
Speech while the agent speaks is judged by its Interruptions: playout pauses at once, then
resumes or hands the caller the floor, and history keeps only what was heard (those steps
are in core/bargein.py).
"""

from __future__ import annotations

from collections.abc import Callable

from voicecli import events as ev
from voicecli.audioformat import CAPTURE_RATE, FRAME_SAMPLES
from voicecli.config import Config
from voicecli.core.bargein import BargeInSteps, Output
from voicecli.core.callerturn import CallerTurn
from voicecli.core.effects import CancelReplies, ForgetPlayout
from voicecli.core.interruptions import Interruptions
from voicecli.core.memory import CallMemory
from voicecli.core.mode import CoreMode
from voicecli.core.reply import ReplyHandle
from voicecli.core.speculation import Speculation, may_speculate
from voicecli.policy.commitrules import Plan
from voicecli.policy.turn import Commit, Phase, TurnPolicy, reopens
from voicecli.terms import State, ToolCall, ToolPhase

__all__ = ["ConversationCore", "Output"]


class ConversationCore(BargeInSteps):
    """The conversation's state machine: floor, turns, commit boundary, replies, history (its
    steps while the agent holds the floor are BargeInSteps')."""

    def __init__(
        self,
        config: Config,
        mode: CoreMode,
        out_rate: int,
        capture_time: Callable[[int], float],
        aec: bool = True,
    ) -> None:
        self.config = config
        self.capture_time = capture_time  # capture sample → clock time
        self.mode = mode
        self.policy = TurnPolicy(mode.rules, mode.planner.read_a_whole_order)
        self.fade = config.audio.fade_ms * out_rate // 1000
        preroll = config.speech.preroll_frames * FRAME_SAMPLES
        self.interruptions = Interruptions(config.interrupt, aec, preroll)
        self.planner = mode.planner  # the tool rules, or Voice Mirror's echo
        self.memory = CallMemory(config)
        self.history = self.memory.history
        self.early = Speculation(self.planner, self.history)  # reversible work before commit
        self.state = State.LISTENING
        self.gen = 0  # the current reply generation
        self.turns = 0
        self.turn: CallerTurn | None = None  # the caller's open turn
        self.reply: ReplyHandle | None = None  # the reply in flight
        self.replied: CallerTurn | None = None  # the turn the reply in flight answers
        self.cutting: tuple[ReplyHandle, CallerTurn, str] | None = None  # a barge-in stopping
        self.latest: ev.Transcript | None = None
        self.pending: Commit | None = None
        self.pending_since = 0.0
        self.now_sample = 0
        self.in_speech = False  # the segmenter's view, whatever the state
        self.speech_end = 0
        self.onset_since_speech: ev.SoundOnset | None = None  # the first since speech ended
        super().__init__(
            {
                ev.VadFrame: self.on_frame,
                ev.SoundOnset: self.on_sound_onset,
                ev.DeviceBreak: self.on_device_break,
                ev.EchoStats: self.interruptions.echo_stats,
                ev.ToolResult: self.on_tool_result,
                ev.SpeechStarted: self.on_speech_started,
                ev.SpeechEnded: self.on_speech_ended,
                ev.Transcript: self.on_transcript,
                ev.PauseDraft: self.on_pause_draft,
                ev.PlayoutStopped: self.on_playout_stopped,
                ev.ReplyProgress: self.on_reply_event,
            }
        )

    def on_tool_result(self, event: ev.ToolResult) -> None:
        if event.gen and not event.ok:  # the agent apologised and offered to try again
            self.planner.offer_retry(ToolCall(event.tool, event.order_id, ToolPhase.CONFIRMED))
        self.memory.tool_done(event)

    def on_reply_event(self, event: ev.ReplyProgress) -> None:
        held = self.early.held_handle(event.gen)
        if held is not None:
            held.observe(event)  # voiced, not played: nothing to tell yet
        elif self.reply is not None:
            self.on_reply_progress(self.reply, event)

    def set_state(self, state: State) -> None:
        if state is not self.state:
            self.state = state
            self.emit(ev.StateChanged(self.now, state))

    def new_generation(self) -> int:
        """Cancel every reply so far: a new generation begins, playout is flushed."""
        self.gen += 1
        self.emit(CancelReplies(self.gen))
        self.interruptions.playout_paused = False  # a flush ends a pause
        return self.gen

    def open_turn(self, audio_start: int) -> CallerTurn:
        self.turns += 1
        turn = CallerTurn(self.turns, audio_start)
        self.latest = None
        self.early.new_turn()
        self.pending = None
        self.emit(ev.TurnOpened(self.now, turn.turn, audio_start))
        return turn

    # -- the caller's speech ------------------------------------------------------------------

    def on_speech_started(self, event: ev.SpeechStarted) -> None:
        self.in_speech = True
        at_s = event.sample / CAPTURE_RATE
        if self.state is State.LISTENING:
            self.caller_speaks(self.open_turn(event.audio_start), at_s)
        elif self.state is State.USER_SPEAKING and self.turn is not None:
            self.policy.speech_started(at_s)
            self.pending = None
            self.drop_held("the caller went on")
            self.emit(ev.TurnResumed(self.now, self.turn.turn))
        elif self.state is State.THINKING and self.replied is not None:
            if self.goes_on_with_the_turn(at_s):
                self.reopen(at_s)
            else:
                self.supersede(event)
        elif self.state is State.SPEAKING and self.went_on_before_the_reply(event):
            self.reopen(at_s)
        # otherwise, while speaking, on_frame's interruption judgement decides

    def goes_on_with_the_turn(self, at_s: float) -> bool:
        """Speech at `at_s` within the reopen window of the answered turn's commit, none of
        the reply heard yet: the caller only paused (policy/turn.py `reopens`)."""
        assert self.replied is not None
        committed_s = self.replied.commit_sample / CAPTURE_RATE
        return reopens(self.config.turn, committed_s, at_s, reply_heard=False)

    def went_on_before_the_reply(self, event: ev.SpeechStarted) -> bool:
        """Speech whose sound was made before the reply's first sound went to the speaker is
        the caller's (no echo of a sound comes before it), and within the reopen window it is
        the turn going on: the reply raced them to the speaker. The sound's start is its onset
        (the level detector's, ~0.3 s before the VAD is sure). Both times are on the one
        clock, each a bound that needs no device's word: the onset had been made by the time
        its frame reached the program, and the reply's first block was handed to the device
        when `playout_t` says. (The capture timeline's own clock, from the card's timestamps,
        moves whole periods with each xrun, and a JACK server misreports its latency.) Speech
        that comes back softly makes no onset: then its first voiced frame, stamped the same
        way, is the bound."""
        reply, onset = self.reply, self.onset_since_speech
        if reply is None or self.replied is None or reply.playout_t is None:
            return False
        bounds = [self.made_by(event.made_by, event.sample)]
        if onset is not None and onset.sample <= event.sample:
            bounds.append(self.made_by(onset.made_by, onset.sample))
        before_sound = min(bounds) < reply.playout_t
        return before_sound and self.goes_on_with_the_turn(event.sample / CAPTURE_RATE)

    def made_by(self, stamp: float | None, sample: int) -> float:
        """When the sound at `sample` had been made by: its stamp, else the capture timeline's
        time for it."""
        return stamp if stamp is not None else self.capture_time(sample)

    def on_speech_ended(self, event: ev.SpeechEnded) -> None:
        self.in_speech = False
        self.speech_end = event.sample
        self.onset_since_speech = None
        if self.state is State.USER_SPEAKING and self.turn is not None:
            self.turn.speech_end = event.sample
            self.policy.speech_ended(event.sample / CAPTURE_RATE)
            self.emit(ev.TurnPaused(self.now, self.turn.turn, event.sample))
            self.speculate()

    def on_transcript(self, event: ev.Transcript) -> None:
        suspect = self.interruptions.suspect
        if suspect is not None and event.turn == suspect.turn:
            played = self.reply.played_text() if self.reply is not None else ""
            self.judge(self.interruptions.transcript(event.text, played), "transcript")
            return
        if self.turn is None or event.turn != self.turn.turn:
            return
        self.latest = event
        covers = event.covers_until / CAPTURE_RATE
        self.policy.transcript(event.text, covers, event.final, event.logprob)
        stale = self.pending is not None and self.pending.reason == "timeout"
        if stale and self.policy.reconsider(self.now_sample / CAPTURE_RATE):
            self.pending = None  # ended before it was heard, and what it says is not done
        # reversible work while the caller speaks; once they pause, the end-of-speech decode
        # must have the CPU to itself (the commit follows right after it)
        speculate = self.mode.speculate and self.policy.phase is Phase.SPEAKING
        if speculate:
            self.emit_all(self.early.prefill(self.now, event, self.mode.prefill_whole))
        if self.pending is not None:
            self.try_commit()
        self.speculate()

    def on_frame(self, event: ev.VadFrame) -> None:
        self.now_sample = event.sample
        if self.state is State.SPEAKING:
            self.on_frame_while_speaking(event)
            return
        if self.state is not State.USER_SPEAKING:
            return
        decision = self.policy.tick(event.sample / CAPTURE_RATE, voiced=event.voiced)
        if decision is not None:
            self.pending = decision
            self.pending_since = event.sample / CAPTURE_RATE
            if self.mode.transcribe_when_ended and self.turn is not None:  # the cascade
                self.emit(ev.TranscribeRequest(self.now, self.turn.turn, self.turn.speech_end))
        if self.pending is not None:
            self.try_commit()

    # -- the commit boundary ------------------------------------------------------------------

    def try_commit(self) -> None:
        turn = self.turn
        if turn is None or self.pending is None:
            return
        latest = self.latest
        fresh = latest is not None and latest.final and latest.covers_until >= turn.speech_end
        if not fresh:
            waited = self.now_sample / CAPTURE_RATE - self.pending_since
            if waited <= self.config.turn.transcript_wait_s:
                return
            if latest is None or not latest.text:
                self.discard("no transcript")
                return
            # the decode of the pause is this late only on a starved machine: answer what was
            # heard so far rather than drop the turn
        assert latest is not None
        commit, self.pending = self.pending, None
        if not latest.text:
            self.discard("nothing said")
            return
        self.commit(turn, latest, commit)

    def commit(self, turn: CallerTurn, latest: ev.Transcript, commit: Commit) -> None:
        turn.text = latest.text
        turn.commit_sample = self.now_sample
        plan, basis = self.early.basis(turn.text, self.planner.decide(turn.text))
        held, became = self.early.use(self.now, basis)
        self.history.add_user(turn.text, plan.context)
        turn.gen = held.gen if held is not None else self.new_generation()
        self.reply = held or ReplyHandle(turn.gen, turn.turn)
        self.replied = turn
        self.turn = None
        self.emit(turn.committed(self.now, commit, latest.t))
        if became is not None:
            self.emit(became)
        if held is not None:
            self.emit(ev.ReleaseReply(self.now, held.gen))
        else:
            self.emit(self.reply_request(turn, turn.gen, plan))
        self.set_state(State.THINKING)
        if held is not None and held.finished:  # all written, nothing to play: it is over
            self.finish_reply(held)

    def reply_request(
        self, turn: CallerTurn, gen: int, plan: Plan, pending_user: str | None = None
    ) -> ev.ReplyRequest:
        """Generation `gen`'s reply to `turn` (`pending_user`: made before its commit; a
        committed turn's shop facts are in history with it)."""
        facts = plan.context if pending_user is not None else ()
        messages = self.history.messages(pending_user, facts)
        return turn.reply_request(self.now, gen, messages, plan, self.capture_time(turn.speech_end))

    # -- replies made before the commit (core/speculation.py) ---------------------------------

    def speculate(self) -> None:
        """The caller has paused on words that may end the turn: make its reply now, held."""
        turn, latest = self.turn, self.latest
        if not self.mode.speculate_replies or turn is None or latest is None or not latest.text:
            return
        if self.state is not State.USER_SPEAKING:
            return
        if not self.policy.may_be_done(self.mode.speculate_on_interim):
            if self.policy.fresh:  # the pause's decode reads as unfinished: a draft's reply goes
                self.drop_held("the words changed")
            return
        self.hold_reply(turn, latest.text)

    def on_pause_draft(self, event: ev.PauseDraft) -> None:
        """The pause's greedy reading, before the beam decode the commit will read: a reply
        made from it is held as any other, and used only if the commit's words are the same."""
        turn = self.turn
        if not self.mode.speculate_replies or turn is None or event.turn != turn.turn:
            return
        covers = event.covers_until / CAPTURE_RATE
        if self.state is State.USER_SPEAKING and self.policy.draft_may_end(event.text, covers):
            self.hold_reply(turn, event.text)

    def hold_reply(self, turn: CallerTurn, text: str) -> None:
        """Make the reply to `text` now, held unplayed (unless the one held is made from it)."""
        plan, basis = self.early.basis(text)
        if self.early.holds(basis):
            return
        self.drop_held("the words changed")
        if may_speculate(plan):
            gen = self.new_generation()
            self.early.hold(ReplyHandle(gen, turn.turn), basis)
            self.emit(self.reply_request(turn, gen, plan, pending_user=text))

    def drop_held(self, reason: str) -> None:
        """Throw the held reply away unheard and stop its work."""
        dropped = self.early.drop(self.now, reason)
        if dropped is not None:
            self.emit(dropped)
            self.new_generation()

    def discard(self, reason: str) -> None:
        assert self.turn is not None
        self.drop_held(f"turn discarded: {reason}")
        self.emit(ev.TurnDiscarded(self.now, self.turn.turn, reason))
        self.turn = None
        self.pending = None
        self.set_state(State.LISTENING)

    def reopen(self, at_s: float) -> None:
        """The caller was not done: cancel the reply, take the turn back out of history."""
        assert self.reply is not None and self.replied is not None
        turn = self.replied
        cancelled = self.drop_reply()
        gen = self.new_generation()
        self.history.withdraw_user()
        self.planner.withdraw()
        turn.gen = 0
        self.emit(ev.TurnReopened(self.now, turn.turn, gen, cancelled.gen if cancelled else 0))
        self.caller_speaks(turn, at_s)

    def supersede(self, event: ev.SpeechStarted) -> None:
        """The caller speaks again before the reply was heard: drop it, start a new turn."""
        self.drop_reply()
        self.new_generation()
        self.caller_speaks(self.open_turn(event.audio_start), event.sample / CAPTURE_RATE)

    def caller_speaks(self, turn: CallerTurn, at_s: float) -> None:
        """`turn` is the caller's, and they are speaking (since `at_s`)."""
        self.turn = turn
        self.policy.reset()
        self.policy.speech_started(at_s)
        self.set_state(State.USER_SPEAKING)

    def drop_reply(self) -> ReplyHandle | None:
        """The reply in flight is over before its end: interrupted, no longer followed."""
        reply, self.reply, self.replied = self.reply, None, None
        if reply is not None:
            reply.interrupt()
        return reply

    # -- the reply ------------------------------------------------------------------------------

    def on_reply_progress(self, reply: ReplyHandle, event: ev.Event) -> None:
        for known in reply.observe(event):
            self.emit(known)
        if reply.started and self.state is State.THINKING:
            self.set_state(State.SPEAKING)
        if reply.finished:
            self.finish_reply(reply)

    def finish_reply(self, reply: ReplyHandle) -> None:
        reply.finish()
        heard = reply.heard()
        self.emit_all(
            self.memory.heard(
                self.now,
                reply.remembered(),
                False,
                self.turns,
                self.mode.speculate,
                reply.model_written,
            )
        )
        device_sample = max((s.device_end or 0 for s in reply.spans.values()), default=0)
        self.emit(ev.PlayoutFinished(self.now, reply.gen, device_sample))
        self.emit(ev.AssistantTurn(self.now, reply.gen, heard.text, interrupted=False))
        self.emit(ForgetPlayout(reply.last_sample()))
        self.reply = None
        self.replied = None
        suspect = self.interruptions.release()
        if suspect is not None:  # the reply ended while we judged: the caller has the floor
            self.take_floor(suspect)
        elif self.turn is None:
            self.set_state(State.LISTENING)
