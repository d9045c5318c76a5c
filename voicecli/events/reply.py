"""The agent's side: a reply generation asked for, written, voiced, played, heard, cut off;
its tool calls; a reply made early and what became of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voicecli.events.base import Fact, ReplyCommand, ReplyFact, ReplyProgress
from voicecli.terms import BargeInAction, SpeculationOutcome, Step, ToolCall, ToolPhase


@dataclass(frozen=True)
class ReplyRequest(ReplyCommand):
    """Answer turn `turn`: its plan (`step`, the tool `call` or the sentence to `say`) and the
    conversation to answer from; `speech_end_t` is when the caller stopped (0: unknown). A
    `held` reply is made before its turn is committed: written and voiced, never played
    unless a ReleaseReply follows."""

    turn: int
    messages: list[dict[str, str]] = field(default_factory=list)
    step: Step = Step.LLM
    call: ToolCall | None = None
    say: str = ""
    speech_end_t: float = 0.0
    held: bool = False


@dataclass(frozen=True)
class ReleaseReply(ReplyCommand):
    """The held reply `gen` answers the turn just committed: play what is voiced of it."""


@dataclass(frozen=True)
class SpeculationEnded(ReplyFact):
    """What became of the reply held for turn `turn`: used at its commit, or dropped unheard
    (`reason`: the caller went on, the words changed, the turn was discarded…)."""

    turn: int
    outcome: SpeculationOutcome
    reason: str


@dataclass(frozen=True)
class LlmFirstToken(ReplyProgress):
    ms: float
    cached_tokens: int
    prompt_tokens: int


@dataclass(frozen=True)
class ReplyPiece(ReplyProgress):
    piece: int
    text: str
    spoken: str
    ack: bool = False  # an acknowledgement ("Let me check that."), not the answer


@dataclass(frozen=True)
class ToolRequest(ReplyCommand):
    """Run a tool for a committed reply: a read-only call, or a side effect the caller
    confirmed."""

    call_id: int
    tool: str
    order_id: str
    phase: ToolPhase


@dataclass(frozen=True)
class ToolResult(ReplyFact):
    """A tool call and its outcome, with its commit state (the session log keeps every one);
    a prefetch's result has gen 0 and call_id 0."""

    call_id: int
    tool: str
    order_id: str
    phase: ToolPhase
    ok: bool
    facts: dict[str, str] = field(default_factory=dict)
    error: str = ""
    ms: float = 0.0
    cached: bool = False


@dataclass(frozen=True)
class SpanStarted(ReplyFact):
    """The speaker began playing a piece of the reply."""

    piece: int
    device_sample: int


@dataclass(frozen=True)
class SpanQueued(ReplyProgress):
    """The speaker queued a span on the playout stream: samples [start, end) speak `text`,
    each word at `word_times` (from `start`)."""

    piece: int
    text: str
    start: int
    end: int
    word_times: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class SpanPlaying(ReplyProgress):
    """The output device reached the first sample of a span (pushed by the playout ring)."""

    piece: int
    device_sample: int


@dataclass(frozen=True)
class SpanPlayed(ReplyProgress):
    """The output device played a span to its end, or to where a flush cut it."""

    piece: int
    device_sample: int
    cut: bool = False


@dataclass(frozen=True)
class PlayoutStopped(Fact):
    """Playout was flushed: the stream stopped at `position` (what played is what was heard)."""

    position: int


@dataclass(frozen=True)
class ReplyDone(ReplyProgress):
    text: str
    pieces: int
    tokens: int
    cancelled: bool


@dataclass(frozen=True)
class TtsChunk(ReplyProgress):
    piece: int
    samples: int
    synth_ms: float


@dataclass(frozen=True)
class PlayoutStarted(ReplyFact):
    device_sample: int


@dataclass(frozen=True)
class SpanHeard(ReplyFact):
    piece: int
    text: str


@dataclass(frozen=True)
class PlayoutFinished(ReplyFact):
    device_sample: int


@dataclass(frozen=True)
class AssistantTurn(ReplyFact):
    text: str
    interrupted: bool


@dataclass(frozen=True)
class BargeIn(ReplyFact):
    """The caller spoke over the agent: playout paused, resumed, or the reply was
    interrupted."""

    action: BargeInAction
    onset_sample: int
    reason: str = ""
