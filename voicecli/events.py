"""Typed events: everything the pipeline reports travels on the bus as one of these.

Every event carries `t`, seconds on the one monotonic clock. Audio positions are sample indices:
`sample` on the capture timeline (16 kHz mic), `device_sample` on the playout timeline (the
output device's rate). `gen` is the reply generation an event belongs to.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class Event:
    """Base of all events."""

    t: float
    kind: ClassVar[str] = "event"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.kind = _snake(cls.__name__)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **dataclasses.asdict(self)}


@dataclass(frozen=True)
class SessionStarted(Event):
    mode: str
    models: dict[str, str]
    in_rate: int
    out_rate: int
    t0: float


@dataclass(frozen=True)
class SessionEnded(Event):
    reason: str


@dataclass(frozen=True)
class StateChanged(Event):
    state: str


@dataclass(frozen=True)
class VadFrame(Event):
    sample: int
    probability: float
    level_db: float


@dataclass(frozen=True)
class SoundOnset(Event):
    """A sudden loud sound on the echo-cancelled mic (20 ms resolution): maybe the caller."""

    sample: int
    level_db: float


@dataclass(frozen=True)
class SpeechStarted(Event):
    sample: int
    audio_start: int


@dataclass(frozen=True)
class SpeechEnded(Event):
    sample: int


@dataclass(frozen=True)
class TurnOpened(Event):
    turn: int
    audio_start: int


@dataclass(frozen=True)
class TurnPaused(Event):
    turn: int
    speech_end: int


@dataclass(frozen=True)
class TurnResumed(Event):
    turn: int


@dataclass(frozen=True)
class TranscribeRequest(Event):
    """Transcribe the turn up to `until` now: the cascade's whole-turn transcription (final), or
    a probe of a suspected interruption (not final)."""

    turn: int
    until: int
    final: bool = True


@dataclass(frozen=True)
class Transcript(Event):
    turn: int
    stable: str
    unstable: str
    covers_until: int
    decode_ms: float
    final: bool
    window: str = "cut"
    fallback: str = ""  # why the cut-window decode looked wrong (a final one is redone padded)

    @property
    def text(self) -> str:
        return f"{self.stable} {self.unstable}".strip()


@dataclass(frozen=True)
class TurnCommitted(Event):
    turn: int
    gen: int
    text: str
    reason: str
    speech_end: int
    silence_ms: float
    transcript_t: float = 0.0  # when the transcript it was committed on arrived


@dataclass(frozen=True)
class TurnDiscarded(Event):
    turn: int
    reason: str


@dataclass(frozen=True)
class TurnReopened(Event):
    turn: int
    gen: int
    cancelled_gen: int


@dataclass(frozen=True)
class PrefillRequest(Event):
    turn: int
    messages: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PrefillDone(Event):
    turn: int
    tokens: int
    ms: float


@dataclass(frozen=True)
class ReplyStarted(Event):
    gen: int
    turn: int
    messages: list[dict[str, str]] = field(default_factory=list)
    mirror: bool = False
    step: str = "llm"  # how to answer: llm, lookup, execute, or a fixed sentence (say)
    tool: str = ""
    order_id: str = ""
    phase: str = ""
    say: str = ""
    speech_end_t: float = 0.0  # bus time the caller stopped speaking (0: unknown)


@dataclass(frozen=True)
class LlmFirstToken(Event):
    gen: int
    ms: float
    cached_tokens: int
    prompt_tokens: int


@dataclass(frozen=True)
class ReplyPiece(Event):
    gen: int
    piece: int
    text: str
    spoken: str
    ack: bool = False  # an acknowledgement ("Let me check that."), not the answer


@dataclass(frozen=True)
class ToolRequest(Event):
    """Run a tool: a read-only prefetch before commit (gen 0), or a committed call."""

    gen: int
    call_id: int
    tool: str
    order_id: str
    phase: str


@dataclass(frozen=True)
class ToolResult(Event):
    """A tool call and its outcome, with its commit state (the session log keeps every one)."""

    gen: int
    call_id: int
    tool: str
    order_id: str
    phase: str
    ok: bool
    facts: dict[str, str] = field(default_factory=dict)
    error: str = ""
    ms: float = 0.0
    cached: bool = False


@dataclass(frozen=True)
class SpanStarted(Event):
    """The speaker began playing a piece of the reply."""

    gen: int
    piece: int
    device_sample: int


@dataclass(frozen=True)
class SpanQueued(Event):
    """The speaker queued a span on the playout stream: samples [start, end) speak `text`,
    each word at `word_times` (from `start`)."""

    gen: int
    piece: int
    text: str
    start: int
    end: int
    word_times: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class SpanPlaying(Event):
    """The output device reached the first sample of a span (pushed by the playout ring)."""

    gen: int
    piece: int
    device_sample: int


@dataclass(frozen=True)
class SpanPlayed(Event):
    """The output device played a span to its end, or to where a flush cut it."""

    gen: int
    piece: int
    device_sample: int
    cut: bool = False


@dataclass(frozen=True)
class PlayoutStopped(Event):
    """Playout was flushed: the stream stopped at `position` (what played is what was heard)."""

    position: int


@dataclass(frozen=True)
class ReplyDone(Event):
    gen: int
    text: str
    pieces: int
    tokens: int
    cancelled: bool


@dataclass(frozen=True)
class TtsChunk(Event):
    gen: int
    piece: int
    samples: int
    synth_ms: float


@dataclass(frozen=True)
class PlayoutStarted(Event):
    gen: int
    device_sample: int


@dataclass(frozen=True)
class SpanHeard(Event):
    gen: int
    piece: int
    text: str


@dataclass(frozen=True)
class PlayoutFinished(Event):
    gen: int
    device_sample: int


@dataclass(frozen=True)
class AssistantTurn(Event):
    gen: int
    text: str
    interrupted: bool


@dataclass(frozen=True)
class TurnTimings(Event):
    turn: int
    gen: int
    endpoint_ms: float
    stt_final_ms: float
    llm_first_token_ms: float
    llm_first_clause_ms: float
    tts_first_chunk_ms: float
    ttfa_ms: float
    user_text: str
    reply_text: str


@dataclass(frozen=True)
class EchoStats(Event):
    """Echo estimates over the last half second of agent speech: how much of the speaker
    reaches the mic (ERL, dB) and how much of that the canceller removes (ERLE, dB)."""

    erl_db: float | None
    erle_db: float | None


@dataclass(frozen=True)
class BargeIn(Event):
    """The caller spoke over the agent: `action` is pause, resume or interrupt."""

    gen: int
    action: str
    onset_sample: int
    reason: str = ""


@dataclass(frozen=True)
class DeviceStats(Event):
    overruns: int
    underruns: int


@dataclass(frozen=True)
class StageError(Event):
    stage: str
    message: str
