"""One reply in flight: its milestones, and what of it the speaker has actually played.

The session keeps one tracker per reply generation. The tracker reads the playout ring's record
of where each span played and turns it into events (playout started, a span heard, playout
finished), knows the heard text at any moment — all of it when the reply ends, a prefix when the
caller interrupts — and computes the turn's stage timings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from voicecli.audio.playout import PlayedSpan, PlayoutRing
from voicecli.events import (
    Event,
    LlmFirstToken,
    PlayoutStarted,
    ReplyDone,
    ReplyPiece,
    SpanHeard,
    SpanStarted,
    TtsChunk,
    TurnTimings,
)
from voicecli.policy.heard import Heard, Span, heard_text


@dataclass
class TurnRecord:
    """One caller turn and the reply to it, with the times each stage reached a milestone."""

    turn: int
    audio_start: int
    onset: int = 0
    speech_end: int = 0
    text: str = ""
    gen: int = 0
    commit_sample: int = 0
    committed_t: float = 0.0
    final_t: float = 0.0
    first_token_t: float = 0.0
    first_piece_t: float = 0.0
    first_chunk_t: float = 0.0
    playout_device: int | None = None
    reply_done: bool = False
    reply_text: str = ""
    pieces: int = 0
    synthesized: int = 0
    heard_pieces: int = 0


class ReplyTracker:
    """Follows one reply generation from its first token to its last played sample."""

    def __init__(
        self,
        record: TurnRecord,
        playout: PlayoutRing,
        in_time: Callable[[int], float],
        out_time: Callable[[int], float],
    ) -> None:
        self.record = record
        self.playout = playout
        self.in_time = in_time
        self.out_time = out_time
        self.finished = False
        self.pieces: list[str] = []
        self.started_pieces: set[int] = set()

    @property
    def gen(self) -> int:
        return self.record.gen

    @property
    def started(self) -> bool:
        return self.record.playout_device is not None

    def on_event(self, event: Event) -> None:
        """Milestones of this generation (events of other generations are ignored)."""
        record = self.record
        if getattr(event, "gen", None) != record.gen:
            return
        if isinstance(event, LlmFirstToken) and not record.first_token_t:
            record.first_token_t = event.t
        elif isinstance(event, ReplyPiece):
            self.pieces.append(event.text)
            if not record.first_piece_t:
                record.first_piece_t = event.t
        elif isinstance(event, TtsChunk):
            record.synthesized += 1
            if not record.first_chunk_t and event.samples:
                record.first_chunk_t = event.t
        elif isinstance(event, ReplyDone):
            record.reply_done = True
            record.reply_text = event.text
            record.pieces = event.pieces

    def spans(self) -> list[PlayedSpan]:
        return [s for s in self.playout.state().spans if s.gen == self.record.gen]

    def poll(self, now: float) -> list[Event]:
        """Events for what the speaker did since the last poll; sets `finished` at the end."""
        record = self.record
        state = self.playout.state()
        spans = [s for s in state.spans if s.gen == record.gen]
        events: list[Event] = []
        starts = [s.device_start for s in spans if s.device_start is not None]
        if starts and record.playout_device is None:
            record.playout_device = min(starts)
            events.append(PlayoutStarted(now, record.gen, record.playout_device))
        for span in spans:
            if span.device_start is not None and span.piece not in self.started_pieces:
                self.started_pieces.add(span.piece)
                events.append(SpanStarted(now, record.gen, span.piece, span.device_start))
        ended = [s for s in spans if s.device_end is not None]
        for span in ended[record.heard_pieces :]:
            events.append(SpanHeard(now, record.gen, span.piece, span.text))
        record.heard_pieces = max(record.heard_pieces, len(ended))
        all_synthesized = record.reply_done and record.synthesized >= record.pieces
        if all_synthesized and len(ended) == len(spans) and state.read == state.written:
            self.finished = True
        return events

    def heard(self, position: int | None = None) -> Heard:
        """Reply text heard up to playout stream `position` (default: everything queued)."""
        spans = self.spans()
        if position is None:
            position = max((s.end for s in spans), default=0)
        return heard_text(
            [Span(s.piece, s.text, s.start, s.end, s.word_times) for s in spans], position
        )

    def played_text(self) -> str:
        """What may be echoing in the room: the reply so far (Whisper hears the echo of the
        words playing now, and may place a word across a piece boundary)."""
        return " ".join(self.pieces)

    def timings(self, now: float) -> TurnTimings | None:
        record = self.record
        if record.playout_device is None:
            return None
        speech_end_t = self.in_time(record.speech_end)
        first_audio_t = self.out_time(record.playout_device)

        def ms(later: float, earlier: float) -> float:
            return (later - earlier) * 1000.0 if later and earlier else float("nan")

        return TurnTimings(
            now,
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
