"""Stage timings of each reply, read off the events by an observer (not by the state machine).

From the commit of a turn to the end of its reply (heard out or interrupted): when the caller
stopped, when the turn was committed and on which transcript, the LLM's first token and first
clause, Piper's first chunk and the first sample the device played. At the reply's end (its
AssistantTurn) the observer says one TurnTimings, if any of the reply was played. A reply made
before its turn's commit (held) is followed from its request: its LLM and voice milestones may
come before the commit, and its stage times from the commit are then negative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from voicecli.events import (
    AssistantTurn,
    Event,
    LlmFirstToken,
    PlayoutStarted,
    ReplyDone,
    ReplyPiece,
    ReplyRequest,
    TtsChunk,
    TurnCommitted,
    TurnTimings,
)


@dataclass
class Milestones:
    """When one reply generation reached each stage (clock times; 0: not yet)."""

    turn: int
    speech_end: int
    user_text: str
    committed_t: float
    transcript_t: float
    first_token_t: float = 0.0
    first_piece_t: float = 0.0
    first_chunk_t: float = 0.0
    playout_device: int | None = None
    reply_text: str = ""
    speculated: bool = False  # made before the commit, held until it


class TurnTimer:
    """Watches every event of the conversation and times each reply."""

    def __init__(
        self, capture_time: Callable[[int], float], playout_time: Callable[[int], float]
    ) -> None:
        self.capture_time = capture_time
        self.playout_time = playout_time
        self.replies: dict[int, Milestones] = {}
        self.held: dict[int, Milestones] = {}  # a reply made before its commit

    def observe(self, event: Event) -> TurnTimings | None:
        if isinstance(event, ReplyRequest) and event.held:
            self.held = {event.gen: Milestones(event.turn, 0, "", 0.0, 0.0, speculated=True)}
            return None
        if isinstance(event, TurnCommitted):
            early = self.held.get(event.gen, Milestones(event.turn, 0, "", 0.0, 0.0))
            self.held = {}
            self.replies = {  # only the newest reply can still be heard
                event.gen: replace(
                    early,
                    speech_end=event.speech_end,
                    user_text=event.text,
                    committed_t=event.t,
                    transcript_t=event.transcript_t,
                )
            }
            return None
        gen = getattr(event, "gen", -1)
        reply = self.replies.get(gen) or self.held.get(gen)
        if reply is None:
            return None
        if isinstance(event, LlmFirstToken) and not reply.first_token_t:
            reply.first_token_t = event.t
        elif isinstance(event, ReplyPiece) and not reply.first_piece_t:
            reply.first_piece_t = event.t
        elif isinstance(event, TtsChunk) and event.samples and not reply.first_chunk_t:
            reply.first_chunk_t = event.t
        elif isinstance(event, PlayoutStarted) and reply.playout_device is None:
            reply.playout_device = event.device_sample
        elif isinstance(event, ReplyDone):
            reply.reply_text = event.text
        elif isinstance(event, AssistantTurn):
            del self.replies[event.gen]
            return self.timings(event.t, event.gen, reply)
        return None

    def timings(self, now: float, gen: int, reply: Milestones) -> TurnTimings | None:
        if reply.playout_device is None:
            return None
        speech_end_t = self.capture_time(reply.speech_end)
        first_audio_t = self.playout_time(reply.playout_device)

        def ms(later: float, earlier: float) -> float:
            return (later - earlier) * 1000.0 if later and earlier else float("nan")

        return TurnTimings(
            now,
            reply.turn,
            gen,
            endpoint_ms=ms(reply.committed_t, speech_end_t),
            stt_final_ms=ms(reply.transcript_t, speech_end_t),
            llm_first_token_ms=ms(reply.first_token_t, reply.committed_t),
            llm_first_clause_ms=ms(reply.first_piece_t, reply.committed_t),
            tts_first_chunk_ms=ms(reply.first_chunk_t, reply.first_piece_t),
            ttfa_ms=ms(first_audio_t, speech_end_t),
            user_text=reply.user_text,
            reply_text=reply.reply_text,
            speculated=reply.speculated,
        )
