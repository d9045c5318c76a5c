"""A scripted conversation for the core: the caller's speech, transcripts, the reply's pieces
and the speaker's progress, fed as events at chosen capture times; effects carried out by a
stand-in output side that remembers them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voicecli.audioformat import CAPTURE_RATE, FRAME_SAMPLES
from voicecli.config import Config
from voicecli.core.conversation import ConversationCore, Output
from voicecli.core.effects import CancelReplies, Effect, PausePlayout, ResumePlayout
from voicecli.core.mode import Pipeline, core_mode
from voicecli.events import (
    DeviceBreak,
    EchoStats,
    Event,
    LlmFirstToken,
    PauseDraft,
    PlayoutStopped,
    ReleaseReply,
    ReplyDone,
    ReplyPiece,
    SoundOnset,
    SpanPlayed,
    SpanPlaying,
    SpanQueued,
    SpeechEnded,
    SpeechStarted,
    ToolResult,
    Transcript,
    TtsChunk,
    VadFrame,
)
from voicecli.policy.commitrules import CommitRules
from voicecli.policy.segmenter import Segmenter
from voicecli.terms import ToolPhase

OUT_RATE = 22050
WORD_SAMPLES = 8000  # each reply word takes this long on the playout stream


@dataclass
class OutputSide:
    """Where the core's effects land: the playout stream position and whether it is paused."""

    position: int = 0  # playout stream samples played
    device: int = 0
    paused: bool = False
    effects: list[Effect] = field(default_factory=list)


class Script:
    """Drives one ConversationCore through a scripted call."""

    def __init__(
        self,
        config: Config | None = None,
        pipeline: Pipeline = Pipeline.STREAMING,
        mirror: bool = False,
        aec: bool = False,
        order_ids: frozenset[str] | None = None,
    ) -> None:
        self.config = config or Config()
        known = order_ids
        planner = CommitRules((lambda: known) if known is not None else None)
        self.core = ConversationCore(
            self.config,
            core_mode(self.config, pipeline, planner, mirror=mirror),
            OUT_RATE,
            lambda sample: sample / CAPTURE_RATE,
            aec=aec,
        )
        self.voicing = Segmenter(self.config.speech)
        self.sample = 0  # the capture clock
        self.out = OutputSide()
        self.events: list[Event] = []  # what the core said
        self.trace: list[Event] = []  # every event in and out, in order (what an observer sees)
        self.queued: dict[int, tuple[int, int]] = {}  # piece → stream [start, end)
        self.written = 0
        self.held: dict[int, list[tuple[int, str]]] = {}  # gen → pieces voiced, not queued

    # -- feeding the core ---------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.sample / CAPTURE_RATE

    def feed(self, event: Event) -> list[Output]:
        self.trace.append(event)
        outputs = self.core.handle(event, self.now)
        for output in outputs:
            if isinstance(output, Event):
                self.events.append(output)
                self.trace.append(output)
            else:
                self.out.effects.append(output)
                if isinstance(output, PausePlayout):
                    self.out.paused = True
                elif isinstance(output, ResumePlayout):
                    self.out.paused = False
                elif isinstance(output, CancelReplies):
                    self.out.paused = False
                    self.written = self.out.position
                    self.feed(PlayoutStopped(self.now, self.out.position))
            if isinstance(output, ReleaseReply):  # as the speaker does: queue what waited
                for index, text in self.held.pop(output.gen, []):
                    self.queue(output.gen, index, text)
        return outputs

    def frames(
        self, seconds: float, probability: float, level_db: float = -20.0, after_break: bool = False
    ) -> None:
        for _ in range(round(seconds * CAPTURE_RATE / FRAME_SAMPLES)):
            self.sample += FRAME_SAMPLES
            voiced = self.voicing.voiced(probability)  # as the listener's segmenter says
            frame = VadFrame(self.now, self.sample, probability, level_db, voiced, after_break)
            self.feed(frame)

    def silence(self, seconds: float) -> None:
        self.frames(seconds, 0.02, -70.0)

    def speech(self, seconds: float) -> None:
        """The caller speaks for `seconds` (the segmenter's start and end around it)."""
        start = self.sample
        self.feed(SpeechStarted(self.now, self.sample, max(0, start - 5120)))
        self.frames(seconds, 0.95)
        self.feed(SpeechEnded(self.now, self.sample))

    def heard(
        self,
        text: str,
        turn: int | None = None,
        final: bool = True,
        covers_until: int | None = None,
        unstable: str = "",
        logprob: float = 0.0,
    ) -> None:
        """A transcript of the open turn (or `turn`) covering the speech up to now (or up to
        `covers_until`); `text` is its stable part, read with Whisper's `logprob`."""
        turn = turn if turn is not None else self.core.turns
        until = self.sample if covers_until is None else covers_until
        heard = Transcript(self.now, turn, text, unstable, until, 50.0, final, logprob=logprob)
        self.feed(heard)

    def drafted(self, text: str, covers_until: int | None = None) -> None:
        """The pause's greedy reading, covering the speech up to now (or `covers_until`), ahead
        of the decode the commit reads."""
        until = self.sample if covers_until is None else covers_until
        self.feed(PauseDraft(self.now, self.core.turns, text, until, 40.0))

    def speech_starts(self) -> None:
        self.feed(SpeechStarted(self.now, self.sample, self.sample))

    def onset(self, behind_s: float = 0.0) -> None:
        """A sound onset reaching the program now; `behind_s`: the capture clock runs that far
        behind, so its sample reads earlier than now (an xrun, a misreported latency)."""
        sample = self.sample - round(behind_s * CAPTURE_RATE)
        self.feed(SoundOnset(self.now, sample, -15.0, made_by=self.now))

    def device_break(self, seconds_ago: float = 0.0) -> None:
        """The device's xrun flag, for a break `seconds_ago` on the capture timeline."""
        self.feed(DeviceBreak(self.now, self.sample - round(seconds_ago * CAPTURE_RATE)))

    def echo(self, erle_db: float) -> None:
        self.feed(EchoStats(self.now, 5.0, erle_db))

    def tool(self, gen: int, ok: bool, tool: str = "get_order_status", order: str = "4711") -> None:
        self.feed(ToolResult(self.now, gen, 1, tool, order, ToolPhase.COMMITTED, ok))

    # -- the reply side ------------------------------------------------------------------------

    @property
    def gen(self) -> int:
        return self.core.gen

    def reply(
        self, *pieces: str, done: bool = True, held: bool = False, written: str | None = None
    ) -> None:
        """The responder writes `pieces` and the speaker queues each as a span (a `held`
        reply's spans wait for the core's ReleaseReply). With `written` the language model
        wrote the reply, as that text (its first token reported first)."""
        gen = self.gen
        if written is not None:
            self.feed(LlmFirstToken(self.now, gen, 200.0, 50, 60))
        for index, text in enumerate(pieces):
            self.feed(ReplyPiece(self.now, gen, index, text, text))
            samples = WORD_SAMPLES * len(text.split())
            self.feed(TtsChunk(self.now, gen, index, samples, 40.0))
            if held:
                self.held.setdefault(gen, []).append((index, text))
            else:
                self.queue(gen, index, text)
        if done:
            text = " ".join(pieces) if written is None else written
            self.feed(ReplyDone(self.now, gen, text, len(pieces), 10, False))

    def queue(self, gen: int, index: int, text: str) -> None:
        samples = WORD_SAMPLES * len(text.split())
        start, end = self.written, self.written + samples
        self.written = end
        self.queued[index] = (start, end)
        self.feed(SpanQueued(self.now, gen, index, text, start, end))

    def play(self, samples: int) -> None:
        """The device plays `samples` more of the stream (nothing while paused)."""
        if self.out.paused:
            return
        first, last = self.out.position, min(self.written, self.out.position + samples)
        for piece, (start, end) in sorted(self.queued.items()):
            if first <= start < last:
                self.feed(SpanPlaying(self.now, self.gen, piece, self.out.device + start - first))
            if first < end <= last:
                self.feed(SpanPlayed(self.now, self.gen, piece, self.out.device + end - first))
        self.out.device += last - first
        self.out.position = last

    def play_all(self) -> None:
        self.play(self.written - self.out.position)

    # -- reading what happened -----------------------------------------------------------------

    def of(self, kind: type, **match: Any) -> list[Any]:
        return [
            e
            for e in self.events
            if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items())
        ]

    def last(self, kind: type) -> Any:
        found = self.of(kind)
        assert found, f"no {kind.__name__} among {[type(e).__name__ for e in self.events]}"
        return found[-1]

    def effects(self, kind: type) -> list[Any]:
        return [e for e in self.out.effects if isinstance(e, kind)]

    def history(self) -> list[tuple[str, str]]:
        return [(m["role"], m["content"]) for m in self.core.history.messages()[1:]]
