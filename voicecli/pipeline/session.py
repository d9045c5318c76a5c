"""The session: the conversation's state machine and its commit boundary.

listening → user speaking → thinking → speaking → listening. The session reads speech and
transcript events, asks the turn policy when the caller is done, and only then commits: the
user turn enters history, a new reply generation starts. Before that, the only work it asks for
is reversible (prefilling the LLM's cache). A caller who resumes right after a commit, before
any reply audio played, reopens the turn: the reply is cancelled and the turn goes on. The
session also watches the playout ring and records in history only the reply text that played.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from voicecli.audio.playout import PlayedSpan, PlayoutRing
from voicecli.bus import EventBus
from voicecli.config import Config
from voicecli.events import (
    AssistantTurn,
    Event,
    LlmFirstToken,
    PlayoutFinished,
    PlayoutStarted,
    PrefillRequest,
    ReplyDone,
    ReplyPiece,
    ReplyStarted,
    SpanHeard,
    SpeechEnded,
    SpeechStarted,
    StateChanged,
    TranscribeRequest,
    Transcript,
    TtsChunk,
    TurnCommitted,
    TurnDiscarded,
    TurnOpened,
    TurnPaused,
    TurnReopened,
    TurnResumed,
    TurnTimings,
    VadFrame,
)
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.mode import Pipeline, cascade_rules
from voicecli.pipeline.stage import Stage
from voicecli.policy.heard import Span, heard_text
from voicecli.policy.history import History
from voicecli.policy.turn import Commit, Phase, TurnPolicy, reopens

RATE = 16000
TRANSCRIPT_WAIT_S = 3.0


class State(Enum):
    """Who holds the floor."""

    LISTENING = "listening"
    USER_SPEAKING = "user speaking"
    THINKING = "thinking"
    SPEAKING = "speaking"


@dataclass
class TurnRecord:
    """One caller turn and the reply to it, with the times each stage reached a milestone."""

    turn: int
    audio_start: int
    speech_end: int = 0
    text: str = ""
    gen: int = 0
    commit_sample: int = 0
    committed_t: float = 0.0
    final_t: float = 0.0
    first_token_t: float = 0.0
    first_token_ms: float = 0.0
    first_piece_t: float = 0.0
    first_chunk_t: float = 0.0
    playout_device: int | None = None
    reply_done: bool = False
    reply_text: str = ""
    pieces: int = 0
    synthesized: int = 0
    heard_pieces: int = 0


class Session(Stage):
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
    ) -> None:
        types = (
            VadFrame,
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
        self.history = History(config.llm.system_prompt, config.conversation.max_history_turns)
        self.state = State.LISTENING
        self.turns = 0
        self.record: TurnRecord | None = None
        self.reply: TurnRecord | None = None
        self.latest: Transcript | None = None
        self.pending: Commit | None = None
        self.pending_since = 0.0
        self.prefilled = ""
        self.now_sample = 0

    # -- state ------------------------------------------------------------------------------

    def set_state(self, state: State) -> None:
        if state is not self.state:
            self.state = state
            self.bus.publish(StateChanged(self.bus.now(), state.value))

    @property
    def busy(self) -> bool:
        """A turn or a reply is in progress."""
        return self.state is not State.LISTENING or self.record is not None

    # -- events -----------------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        if isinstance(event, VadFrame):
            self.on_frame(event)
        elif isinstance(event, SpeechStarted):
            self.on_speech_started(event)
        elif isinstance(event, SpeechEnded):
            self.on_speech_ended(event)
        elif isinstance(event, Transcript):
            self.on_transcript(event)
        else:
            self.on_reply_event(event)

    def on_speech_started(self, event: SpeechStarted) -> None:
        if self.state is State.LISTENING:
            self.turns += 1
            self.pending = None
            self.record = TurnRecord(self.turns, event.audio_start)
            self.policy.reset()
            self.policy.speech_started(event.sample / RATE)
            self.latest = None
            self.prefilled = ""
            self.bus.publish(TurnOpened(self.bus.now(), self.turns, event.audio_start))
            self.set_state(State.USER_SPEAKING)
        elif self.state is State.USER_SPEAKING and self.record is not None:
            self.policy.speech_started(event.sample / RATE)
            self.pending = None
            self.bus.publish(TurnResumed(self.bus.now(), self.record.turn))
        elif self.state is State.THINKING and self.reply is not None:
            committed_s = self.reply.commit_sample / RATE
            if reopens(self.config.turn, committed_s, event.sample / RATE, reply_heard=False):
                self.reopen(event)
        # while speaking, the caller's speech is not acted on yet (barge-in comes with AEC)

    def on_speech_ended(self, event: SpeechEnded) -> None:
        if self.state is State.USER_SPEAKING and self.record is not None:
            self.record.speech_end = event.sample
            self.policy.speech_ended(event.sample / RATE)
            self.bus.publish(TurnPaused(self.bus.now(), self.record.turn, event.sample))

    def on_transcript(self, event: Transcript) -> None:
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
        if self.pending is not None:
            self.try_commit()

    def on_frame(self, event: VadFrame) -> None:
        self.now_sample = event.sample
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
            if self.now_sample / RATE - self.pending_since > TRANSCRIPT_WAIT_S:
                self.discard("no transcript")
            return
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
        self.reply = record
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
        self.bus.publish(
            ReplyStarted(
                self.bus.now(), record.gen, record.turn, self.history.messages(), self.mirror
            )
        )
        self.set_state(State.THINKING)

    def discard(self, reason: str) -> None:
        assert self.record is not None
        self.bus.publish(TurnDiscarded(self.bus.now(), self.record.turn, reason))
        self.record = None
        self.pending = None
        self.set_state(State.LISTENING)

    def reopen(self, event: SpeechStarted) -> None:
        """The caller was not done: cancel the reply, take the turn back out of history."""
        record = self.reply
        assert record is not None
        cancelled = record.gen
        gen = self.generation.bump()
        self.playout.flush(min_gen=gen)
        self.history.withdraw_user()
        self.reply = None
        self.record = record
        record.gen = 0
        self.policy.reset()
        self.policy.speech_started(event.sample / RATE)
        self.bus.publish(TurnReopened(self.bus.now(), record.turn, gen, cancelled))
        self.set_state(State.USER_SPEAKING)

    # -- the reply ------------------------------------------------------------------------------

    def on_reply_event(self, event: Event) -> None:
        record = self.reply
        if record is None or getattr(event, "gen", None) != record.gen:
            return
        now = event.t
        if isinstance(event, LlmFirstToken) and not record.first_token_t:
            record.first_token_t = now
            record.first_token_ms = event.ms
        elif isinstance(event, ReplyPiece) and not record.first_piece_t:
            record.first_piece_t = now
        elif isinstance(event, TtsChunk):
            record.synthesized += 1
            if not record.first_chunk_t and event.samples:
                record.first_chunk_t = now
        elif isinstance(event, ReplyDone):
            record.reply_done = True
            record.reply_text = event.text
            record.pieces = event.pieces

    def idle(self) -> None:
        record = self.reply
        if record is None:
            return
        state = self.playout.state()
        spans = [s for s in state.spans if s.gen == record.gen]
        started = [s for s in spans if s.device_start is not None]
        if started and record.playout_device is None:
            record.playout_device = min(
                s.device_start for s in started if s.device_start is not None
            )
            self.bus.publish(PlayoutStarted(self.bus.now(), record.gen, record.playout_device))
            self.set_state(State.SPEAKING)
        ended = [s for s in spans if s.device_end is not None]
        for span in ended[record.heard_pieces :]:
            self.bus.publish(SpanHeard(self.bus.now(), record.gen, span.piece, span.text))
        record.heard_pieces = max(record.heard_pieces, len(ended))
        all_synthesized = record.reply_done and record.synthesized >= record.pieces
        if all_synthesized and len(ended) == len(spans) and state.read == state.written:
            self.finish_reply(record, spans, state.device_sample)

    def finish_reply(self, record: TurnRecord, spans: list[PlayedSpan], device_sample: int) -> None:
        heard = heard_text(
            [Span(s.piece, s.text, s.start, s.end) for s in spans],
            max((s.end for s in spans), default=0),
        )
        self.history.add_assistant(heard.text)
        self.bus.publish(PlayoutFinished(self.bus.now(), record.gen, device_sample))
        self.bus.publish(AssistantTurn(self.bus.now(), record.gen, heard.text, interrupted=False))
        if record.playout_device is not None:
            self.bus.publish(self.timings(record))
        self.playout.forget_before(max((s.end for s in spans), default=0))
        self.reply = None
        if self.record is None:
            self.set_state(State.LISTENING)

    def timings(self, record: TurnRecord) -> TurnTimings:
        speech_end_t = self.in_time(record.speech_end)
        assert record.playout_device is not None
        first_audio_t = self.out_time(record.playout_device)

        def ms(later: float, earlier: float) -> float:
            return (later - earlier) * 1000.0 if later and earlier else float("nan")

        return TurnTimings(
            self.bus.now(),
            record.turn,
            record.gen,
            endpoint_ms=ms(record.committed_t, speech_end_t),
            stt_final_ms=ms(record.final_t, speech_end_t),
            llm_first_token_ms=ms(record.first_token_t, record.committed_t),
            llm_first_clause_ms=ms(record.first_piece_t, record.committed_t),
            tts_first_chunk_ms=ms(record.first_chunk_t, record.first_piece_t),
            ttfa_ms=ms(first_audio_t, speech_end_t),
            user_text=record.text,
            reply_text=record.reply_text,
        )
