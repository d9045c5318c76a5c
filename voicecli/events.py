"""Typed events: everything the pipeline says travels on the bus as one of these.

Four kinds, by class: a Fact is something that happened (the caller started speaking, a turn
was committed); a Command asks one stage for work (transcribe this, generate this reply); a
Telemetry event is a measurement for the panel, the log and the bench (VAD frames ~31/s, echo
readings, timings); a Lifecycle event starts or ends the session. A ReplyFact or ReplyCommand
belongs to one reply generation (`gen`): a stage that does reply work drops the ones whose
generation has been cancelled, in one place (pipeline/stage.py).
Every event carries `t`, seconds on the one monotonic clock. Audio positions are sample indices:
`sample` on the capture timeline (16 kHz mic), `device_sample` on the playout timeline (the
output device's rate). Named values are enums (voicecli/terms.py); the log writes their values.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar

from voicecli.terms import BargeInAction, SpeculationOutcome, State, Step, ToolCall, ToolPhase


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
        """The event as plain data (enums as their values), for the session log."""
        return {"kind": self.kind, **_plain(dataclasses.asdict(self))}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Fact(Event):
    """Something that happened."""


@dataclass(frozen=True)
class Command(Event):
    """Work asked of one stage."""


@dataclass(frozen=True)
class Telemetry(Event):
    """A measurement: for the panel, the session log and the bench."""


@dataclass(frozen=True)
class Lifecycle(Event):
    """The session starting, ending or failing."""


@dataclass(frozen=True)
class ReplyFact(Fact):
    """Something that happened to reply generation `gen`."""

    gen: int


@dataclass(frozen=True)
class ReplyProgress(ReplyFact):
    """What the reply in flight learns from: its writer, its voice and the playout ring."""


@dataclass(frozen=True)
class ReplyCommand(Command):
    """Work for reply generation `gen`: dropped unread once that generation is cancelled."""

    gen: int


@dataclass(frozen=True)
class SessionStarted(Lifecycle):
    mode: str
    models: dict[str, str]
    in_rate: int
    out_rate: int
    t0: float


@dataclass(frozen=True)
class SessionEnded(Lifecycle):
    reason: str


@dataclass(frozen=True)
class StateChanged(Fact):
    state: State


@dataclass(frozen=True)
class VadFrame(Telemetry):
    """One 32 ms frame's speech probability; `voiced` is the segmenter's verdict on it (the
    one place thresholds are applied: policy/voicing.py)."""

    sample: int
    probability: float
    level_db: float
    voiced: bool = False


@dataclass(frozen=True)
class SoundOnset(Fact):
    """A sudden loud sound on the echo-cancelled mic (20 ms resolution): maybe the caller."""

    sample: int
    level_db: float


@dataclass(frozen=True)
class SpeechStarted(Fact):
    sample: int
    audio_start: int


@dataclass(frozen=True)
class SpeechEnded(Fact):
    sample: int


@dataclass(frozen=True)
class TurnOpened(Fact):
    turn: int
    audio_start: int


@dataclass(frozen=True)
class TurnPaused(Fact):
    turn: int
    speech_end: int


@dataclass(frozen=True)
class TurnResumed(Fact):
    turn: int


@dataclass(frozen=True)
class TranscribeRequest(Command):
    """Transcribe the turn up to `until` now: the cascade's whole-turn transcription (final), or
    a probe of a suspected interruption (not final)."""

    turn: int
    until: int
    final: bool = True


@dataclass(frozen=True)
class Transcript(Fact):
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
class TurnCommitted(Fact):
    turn: int
    gen: int
    text: str
    reason: str
    speech_end: int
    silence_ms: float
    transcript_t: float = 0.0  # when the transcript it was committed on arrived


@dataclass(frozen=True)
class TurnDiscarded(Fact):
    turn: int
    reason: str


@dataclass(frozen=True)
class TurnReopened(Fact):
    turn: int
    gen: int
    cancelled_gen: int


@dataclass(frozen=True)
class PrefillRequest(Command):
    turn: int
    messages: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PrefillDone(Telemetry):
    turn: int
    tokens: int
    ms: float


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
class ToolPrefetch(Command):
    """Before commit: start a read-only lookup the turn will probably need (thrown away if
    not)."""

    tool: str
    order_id: str


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
class TurnTimings(Telemetry):
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
    speculated: bool = False  # the reply was made before the commit and held until it


@dataclass(frozen=True)
class EchoStats(Telemetry):
    """Echo estimates over the last half second of agent speech: how much of the speaker
    reaches the mic (ERL, dB) and how much of that the canceller removes (ERLE, dB)."""

    erl_db: float | None
    erle_db: float | None


@dataclass(frozen=True)
class BargeIn(ReplyFact):
    """The caller spoke over the agent: playout paused, resumed, or the reply was
    interrupted."""

    action: BargeInAction
    onset_sample: int
    reason: str = ""


@dataclass(frozen=True)
class DeviceStats(Telemetry):
    overruns: int
    underruns: int


@dataclass(frozen=True)
class StageError(Lifecycle):
    stage: str
    message: str
