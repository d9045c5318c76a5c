"""The session: the conversation's state machine, its commit boundary, and barge-in.

listening → user speaking → thinking → speaking → listening. The session reads speech and
transcript events, asks the turn policy when the caller is done, and only then commits: the
user turn enters history, a new reply generation starts. Before that the only work it asks for
is reversible (prefilling the LLM's cache). Speech while the agent thinks reopens the turn (the
reply is cancelled, nothing was heard). Speech while the agent speaks is barge-in
(pipeline/bargein.py): playout pauses at once, then resumes or hands the caller the floor.
"""

from __future__ import annotations

from collections.abc import Callable

from voicecli.audio.playout import PlayoutRing
from voicecli.bus import EventBus
from voicecli.config import Config
from voicecli.events import (
    AssistantTurn,
    EchoStats,
    Event,
    LlmFirstToken,
    PlayoutFinished,
    PrefillRequest,
    ReplyDone,
    ReplyPiece,
    ReplyStarted,
    SoundOnset,
    SpeechEnded,
    SpeechStarted,
    StateChanged,
    ToolRequest,
    ToolResult,
    TranscribeRequest,
    Transcript,
    TtsChunk,
    TurnCommitted,
    TurnDiscarded,
    TurnOpened,
    TurnPaused,
    TurnReopened,
    TurnResumed,
    VadFrame,
)
from voicecli.pipeline.bargein import BargeInHandling
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.mode import Pipeline, cascade_rules
from voicecli.pipeline.reply import ReplyTracker, TurnRecord
from voicecli.pipeline.stage import Stage
from voicecli.pipeline.state import State
from voicecli.policy.commitrules import CommitRules, Plan, Step, ToolCall
from voicecli.policy.commitrules import Phase as ToolPhase
from voicecli.policy.echotrust import EchoTrust
from voicecli.policy.history import History
from voicecli.policy.interruption import InterruptionPolicy
from voicecli.policy.knowledge import KnowledgeRow
from voicecli.policy.turn import Commit, Phase, TurnPolicy, reopens

RATE = 16000


class Session(BargeInHandling, Stage):
    """Owns the state machine, the turn policy, the history and the generation counter."""

    def __init__(
        self,
        bus: EventBus,
        config: Config,
        playout: PlayoutRing,
        generation: Generation,
        in_time: Callable[[int], float],
        out_time: Callable[[int], float],
        mirror: bool = False,
        pipeline: Pipeline = Pipeline.STREAMING,
        aec: bool = True,
        order_ids: Callable[[], frozenset[str]] | None = None,
        knowledge: tuple[KnowledgeRow, ...] = (),
    ) -> None:
        types = (
            VadFrame,
            SoundOnset,
            EchoStats,
            ToolResult,
            SpeechStarted,
            SpeechEnded,
            Transcript,
            LlmFirstToken,
            ReplyPiece,
            TtsChunk,
            ReplyDone,
        )
        super().__init__(bus, "session", types)
        self.config = config
        self.playout = playout
        self.generation = generation
        self.in_time = in_time
        self.out_time = out_time
        self.mirror = mirror
        self.cascade = pipeline is Pipeline.CASCADE
        rules = cascade_rules(config.turn) if self.cascade else config.turn
        self.policy = TurnPolicy(rules)
        self.interruption = InterruptionPolicy(config.interrupt)
        self.fade = config.audio.fade_ms * playout.rate // 1000
        self.preroll = config.speech.preroll_frames * 512
        self.tools = CommitRules(order_ids, knowledge)
        self.prefetched: set[str] = set()
        self.history = History(config.llm.system_prompt, config.conversation.max_history_turns)
        self.state = State.LISTENING
        self.turns = 0
        self.record: TurnRecord | None = None  # the caller's open turn
        self.reply: ReplyTracker | None = None  # the reply in flight
        self.suspect: TurnRecord | None = None  # a suspected interruption being judged
        self.resumed: tuple[int, int] | None = None
        self.probed_voiced = 0.0
        self.latest: Transcript | None = None
        self.pending: Commit | None = None
        self.pending_since = 0.0
        self.prefilled = ""
        self.now_sample = 0
        self.in_speech = False  # the segmenter's view, whatever the state
        self.speech_end = 0
        self.echo = EchoTrust(config.interrupt, aec)

    # -- state ------------------------------------------------------------------------------

    def set_state(self, state: State) -> None:
        if state is not self.state:
            self.state = state
            self.bus.publish(StateChanged(self.bus.now(), state.value))

    def open_turn(self, audio_start: int) -> TurnRecord:
        self.turns += 1
        record = TurnRecord(self.turns, audio_start)
        self.latest = None
        self.prefilled = ""
        self.pending = None
        self.bus.publish(TurnOpened(self.bus.now(), record.turn, audio_start))
        return record

    # -- events -----------------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        if isinstance(event, VadFrame):
            self.on_frame(event)
        elif isinstance(event, SoundOnset):
            self.on_sound_onset(event)
        elif isinstance(event, EchoStats):
            self.on_echo_stats(event)
        elif isinstance(event, ToolResult):
            if event.gen and not event.ok:  # the agent apologised and offered to try again
                self.tools.offer_retry(ToolCall(event.tool, event.order_id, ToolPhase.CONFIRMED))
        elif isinstance(event, SpeechStarted):
            self.on_speech_started(event)
        elif isinstance(event, SpeechEnded):
            self.on_speech_ended(event)
        elif isinstance(event, Transcript):
            self.on_transcript(event)
        elif self.reply is not None:
            self.reply.on_event(event)

    def on_speech_started(self, event: SpeechStarted) -> None:
        self.in_speech = True
        at_s = event.sample / RATE
        if self.state is State.LISTENING:
            self.record = self.open_turn(event.audio_start)
            self.policy.reset()
            self.policy.speech_started(at_s)
            self.set_state(State.USER_SPEAKING)
        elif self.state is State.USER_SPEAKING and self.record is not None:
            self.policy.speech_started(at_s)
            self.pending = None
            self.bus.publish(TurnResumed(self.bus.now(), self.record.turn))
        elif self.state is State.THINKING and self.reply is not None:
            record = self.reply.record
            if reopens(self.config.turn, record.commit_sample / RATE, at_s, reply_heard=False):
                self.reopen(at_s)
            else:
                self.supersede(event)
        # while speaking, on_frame's interruption policy decides

    def on_speech_ended(self, event: SpeechEnded) -> None:
        self.in_speech = False
        self.speech_end = event.sample
        if self.state is State.USER_SPEAKING and self.record is not None:
            self.record.speech_end = event.sample
            self.policy.speech_ended(event.sample / RATE)
            self.bus.publish(TurnPaused(self.bus.now(), self.record.turn, event.sample))

    def on_transcript(self, event: Transcript) -> None:
        if self.suspect is not None and event.turn == self.suspect.turn:
            played = self.reply.played_text() if self.reply is not None else ""
            self.judge(self.interruption.transcript(event.text, played), "transcript")
            return
        if self.record is None or event.turn != self.record.turn:
            return
        self.latest = event
        self.policy.transcript(event.text, event.covers_until / RATE)
        # reversible work while the caller speaks; once they pause, the end-of-speech decode
        # must have the CPU to itself (the commit follows right after it)
        speculate = (
            self.config.transcriber.speculative_prefill
            and not self.mirror
            and not self.cascade
            and self.policy.phase is Phase.SPEAKING
        )
        if speculate and event.stable and event.stable != self.prefilled:
            self.prefilled = event.stable
            messages = self.history.messages(pending_user=event.stable)
            self.bus.publish(PrefillRequest(self.bus.now(), event.turn, messages))
            lookup = self.tools.prefetch(event.stable)  # read-only, discarded if unused
            if lookup is not None and lookup.order_id not in self.prefetched:
                self.prefetched.add(lookup.order_id)
                self.bus.publish(
                    ToolRequest(
                        self.bus.now(), 0, 0, lookup.tool, lookup.order_id, lookup.phase.value
                    )
                )
        if self.pending is not None:
            self.try_commit()

    def on_frame(self, event: VadFrame) -> None:
        self.now_sample = event.sample
        if self.state is State.SPEAKING:
            self.on_frame_while_speaking(event)
            return
        if self.state is not State.USER_SPEAKING:
            return
        voiced = event.probability >= self.config.speech.threshold
        decision = self.policy.tick(event.sample / RATE, voiced=voiced)
        if decision is not None:
            self.pending = decision
            self.pending_since = event.sample / RATE
            if self.cascade and self.record is not None:  # only now is the turn transcribed
                self.bus.publish(
                    TranscribeRequest(self.bus.now(), self.record.turn, self.record.speech_end)
                )
        if self.pending is not None:
            self.try_commit()

    # -- the commit boundary ------------------------------------------------------------------

    def try_commit(self) -> None:
        record = self.record
        if record is None or self.pending is None:
            return
        latest = self.latest
        fresh = latest is not None and latest.covers_until >= record.speech_end
        if not fresh:
            if self.now_sample / RATE - self.pending_since <= self.config.turn.transcript_wait_s:
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
        record.text = latest.text
        record.final_t = latest.t
        record.commit_sample = self.now_sample
        record.committed_t = self.bus.now()
        self.history.add_user(record.text)
        record.gen = self.generation.bump()
        self.playout.flush(min_gen=record.gen)
        self.reply = ReplyTracker(record, self.playout, self.in_time, self.out_time)
        self.record = None
        self.bus.publish(
            TurnCommitted(
                record.committed_t,
                record.turn,
                record.gen,
                record.text,
                commit.reason,
                record.speech_end,
                commit.silence_s * 1000.0,
            )
        )
        plan = Plan(Step.LLM) if self.mirror else self.tools.decide(record.text)
        call = plan.call
        self.bus.publish(
            ReplyStarted(
                self.bus.now(),
                record.gen,
                record.turn,
                self.history.messages(facts=plan.context),
                self.mirror,
                plan.step.value,
                call.tool if call else "",
                call.order_id if call else "",
                call.phase.value if call else "",
                plan.say,
                self.in_time(record.speech_end),
            )
        )
        self.set_state(State.THINKING)

    def discard(self, reason: str) -> None:
        assert self.record is not None
        self.bus.publish(TurnDiscarded(self.bus.now(), self.record.turn, reason))
        self.record = None
        self.pending = None
        self.set_state(State.LISTENING)

    def reopen(self, at_s: float) -> None:
        """The caller was not done: cancel the reply, take the turn back out of history."""
        assert self.reply is not None
        record = self.reply.record
        cancelled = record.gen
        gen = self.generation.bump()
        self.playout.flush(min_gen=gen)
        self.history.withdraw_user()
        self.tools.withdraw()
        self.reply = None
        self.record = record
        record.gen = 0
        self.policy.reset()
        self.policy.speech_started(at_s)
        self.bus.publish(TurnReopened(self.bus.now(), record.turn, gen, cancelled))
        self.set_state(State.USER_SPEAKING)

    def supersede(self, event: SpeechStarted) -> None:
        """The caller speaks again before the reply was heard: drop it, start a new turn."""
        gen = self.generation.bump()
        self.playout.flush(min_gen=gen)
        self.reply = None
        self.record = self.open_turn(event.audio_start)
        self.policy.reset()
        self.policy.speech_started(event.sample / RATE)
        self.set_state(State.USER_SPEAKING)

    # -- the reply ------------------------------------------------------------------------------

    def idle(self) -> None:
        reply = self.reply
        if reply is None:
            return
        for event in reply.poll(self.bus.now()):
            self.bus.publish(event)
        if reply.started and self.state is State.THINKING:
            self.set_state(State.SPEAKING)
        if reply.finished:
            self.finish_reply(reply)

    def finish_reply(self, reply: ReplyTracker) -> None:
        heard = reply.heard()
        self.history.add_assistant(heard.text)
        now = self.bus.now()
        self.bus.publish(PlayoutFinished(now, reply.gen, self.playout.state().device_sample))
        self.bus.publish(AssistantTurn(now, reply.gen, heard.text, interrupted=False))
        timings = reply.timings(now)
        if timings is not None:
            self.bus.publish(timings)
        spans = reply.spans()
        self.playout.forget_before(max((s.end for s in spans), default=0))
        self.reply = None
        if self.suspect is not None:  # the reply ended while we judged: the caller has the floor
            suspect, self.suspect = self.suspect, None
            self.take_floor(suspect)
        elif self.record is None:
            self.set_state(State.LISTENING)
