"""A handle per reply: one object through the reply's life, fed by what the output side did.

planned → generating → playing → finished, or interrupted at any point. The handle knows the
reply's text as the responder wrote it, the spans the speaker queued (the text each one speaks
and when each word is spoken in it), which of them the device started and finished playing,
and so what the caller has heard at any moment. It learns all of this from events pushed to it
(pieces, synthesized chunks, span progress from the playout ring); it never polls anything.
A handle can exist before its turn is committed: nothing in it plays anything by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from voicecli.events import (
    Event,
    LlmFirstToken,
    PlayoutStarted,
    ReplyDone,
    ReplyPiece,
    SpanHeard,
    SpanPlayed,
    SpanPlaying,
    SpanQueued,
    SpanStarted,
    TtsChunk,
)
from voicecli.policy.heard import Heard, Span, heard_text


class ReplyStatus(Enum):
    """Where a reply is in its life."""

    PLANNED = "planned"  # made, nothing written yet
    GENERATING = "generating"  # pieces are being written and synthesized
    PLAYING = "playing"  # the speaker has started it
    FINISHED = "finished"  # every piece played to its end
    INTERRUPTED = "interrupted"  # stopped before its end (barge-in) or dropped unheard


@dataclass(frozen=True)
class QueuedSpan:
    """A span as the speaker queued it (its full extent, even if playout later cut it)."""

    piece: int
    text: str
    start: int
    end: int
    word_times: tuple[tuple[int, int], ...]
    device_start: int | None = None
    device_end: int | None = None


class ReplyHandle:
    """One reply generation, from its plan to its last played sample."""

    def __init__(self, gen: int, turn: int) -> None:
        self.gen = gen
        self.turn = turn
        self.status = ReplyStatus.PLANNED
        self.pieces: list[str] = []  # text of every piece written, in order
        self.piece_count = 0  # pieces the responder says it wrote (known once done)
        self.done = False  # the responder wrote its last piece
        self.synthesized = 0  # pieces the speaker voiced (silent ones included)
        self.voiced = 0  # pieces the speaker voiced with audio (each becomes a span)
        self.spans: dict[int, QueuedSpan] = {}
        self.playout_device: int | None = None
        self.playout_t: float | None = None  # clock time its first sound began to play
        self.model_written = False  # the LLM wrote it (its tokens are in the model's cache)
        self.written = ""  # the whole reply as its writer wrote it (known once done)

    # -- what it learns ---------------------------------------------------------------------

    def observe(self, event: Event) -> list[Event]:
        """Take in one event of this generation; returns the events it makes known
        (playout started, a span started, a span heard). Other generations are ignored."""
        if getattr(event, "gen", None) != self.gen or self.status is ReplyStatus.INTERRUPTED:
            return []
        if isinstance(event, ReplyPiece):
            self.pieces.append(event.text)
            self._advance(ReplyStatus.GENERATING)
        elif isinstance(event, TtsChunk):
            self.synthesized += 1
            self.voiced += 1 if event.samples else 0
        elif isinstance(event, ReplyDone):
            self.done = True
            self.piece_count = event.pieces
            self.written = event.text
        elif isinstance(event, LlmFirstToken):
            self.model_written = True
        elif isinstance(event, SpanQueued):
            self.spans[event.piece] = QueuedSpan(
                event.piece, event.text, event.start, event.end, event.word_times
            )
        elif isinstance(event, SpanPlaying):
            return self._playing(event)
        elif isinstance(event, SpanPlayed):
            return self._played(event)
        return []

    def _advance(self, status: ReplyStatus) -> None:
        order = list(ReplyStatus)
        if order.index(status) > order.index(self.status):
            self.status = status

    def _playing(self, event: SpanPlaying) -> list[Event]:
        span = self.spans.get(event.piece)
        if span is None or span.device_start is not None:
            return []
        self.spans[event.piece] = replace(span, device_start=event.device_sample)
        out: list[Event] = []
        if self.playout_device is None:
            self.playout_device = event.device_sample
            self.playout_t = event.t
            self._advance(ReplyStatus.PLAYING)
            out.append(PlayoutStarted(event.t, self.gen, event.device_sample))
        out.append(SpanStarted(event.t, self.gen, event.piece, event.device_sample))
        return out

    def _played(self, event: SpanPlayed) -> list[Event]:
        span = self.spans.get(event.piece)
        if span is None or span.device_end is not None:
            return []
        self.spans[event.piece] = replace(span, device_end=event.device_sample)
        return [SpanHeard(event.t, self.gen, event.piece, span.text)]

    # -- what it knows ----------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self.playout_device is not None

    @property
    def finished(self) -> bool:
        """Every piece written, voiced and played to its end."""
        if not self.done or self.synthesized < self.piece_count:
            return False
        played = sum(1 for s in self.spans.values() if s.device_end is not None)
        return played >= self.voiced and played == len(self.spans)

    def _ordered(self) -> list[Span]:
        spans = sorted(self.spans.values(), key=lambda s: s.start)
        return [Span(s.piece, s.text, s.start, s.end, s.word_times) for s in spans]

    def heard(self, position: int | None = None) -> Heard:
        """Reply text heard up to playout stream `position` (default: everything queued)."""
        spans = self._ordered()
        if position is None:
            position = max((s.end for s in spans), default=0)
        return heard_text(spans, position)

    def remembered(self) -> str:
        """What history keeps of a reply heard to its end. The model's own words exactly as it
        wrote them, when it wrote them: its cache holds those tokens, so the next prompt
        extends it. What was heard (the pieces joined) parts from them at the first line
        break, list marker or late acknowledgement ("One moment."), and the next turn then
        evaluated the rest of the reply again: 130 tokens, 2.0-2.7 s of first token on two
        cores (docs/performance.md, session 34). A reply said from a template (a lookup's
        answer) is kept as heard."""
        if self.model_written and self.written:
            return self.written
        return self.heard().text

    def played_text(self) -> str:
        """What may be echoing in the room: the reply so far (Whisper hears the echo of the
        words playing now, and may place a word across a piece boundary)."""
        return " ".join(self.pieces)

    def last_sample(self) -> int:
        """The end of the last span queued on the playout stream (0: none)."""
        return max((s.end for s in self.spans.values()), default=0)

    # -- how it ends ------------------------------------------------------------------------

    def finish(self) -> None:
        self.status = ReplyStatus.FINISHED

    def interrupt(self) -> None:
        """Stopped before its end: nothing more of it plays or counts."""
        self.status = ReplyStatus.INTERRUPTED
