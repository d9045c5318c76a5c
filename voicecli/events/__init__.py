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

from voicecli.events.base import (
    Command,
    Event,
    Fact,
    Lifecycle,
    ReplyCommand,
    ReplyFact,
    ReplyProgress,
    Telemetry,
)
from voicecli.events.caller import (
    PrefillDone,
    PrefillRequest,
    SoundOnset,
    SpeechEnded,
    SpeechStarted,
    ToolPrefetch,
    TranscribeRequest,
    Transcript,
    TurnCommitted,
    TurnDiscarded,
    TurnOpened,
    TurnPaused,
    TurnReopened,
    TurnResumed,
)
from voicecli.events.reply import (
    AssistantTurn,
    BargeIn,
    LlmFirstToken,
    PlayoutFinished,
    PlayoutStarted,
    PlayoutStopped,
    ReleaseReply,
    ReplyDone,
    ReplyPiece,
    ReplyRequest,
    SpanHeard,
    SpanPlayed,
    SpanPlaying,
    SpanQueued,
    SpanStarted,
    SpeculationEnded,
    ToolRequest,
    ToolResult,
    TtsChunk,
)
from voicecli.events.session import (
    DeviceStats,
    EchoStats,
    HistoryTrimmed,
    SessionEnded,
    SessionStarted,
    StageError,
    StateChanged,
    TurnTimings,
    VadFrame,
)

__all__ = [
    "AssistantTurn",
    "BargeIn",
    "Command",
    "DeviceStats",
    "EchoStats",
    "Event",
    "Fact",
    "HistoryTrimmed",
    "Lifecycle",
    "LlmFirstToken",
    "PlayoutFinished",
    "PlayoutStarted",
    "PlayoutStopped",
    "PrefillDone",
    "PrefillRequest",
    "ReleaseReply",
    "ReplyCommand",
    "ReplyDone",
    "ReplyFact",
    "ReplyPiece",
    "ReplyProgress",
    "ReplyRequest",
    "SessionEnded",
    "SessionStarted",
    "SoundOnset",
    "SpanHeard",
    "SpanPlayed",
    "SpanPlaying",
    "SpanQueued",
    "SpanStarted",
    "SpeculationEnded",
    "SpeechEnded",
    "SpeechStarted",
    "StageError",
    "StateChanged",
    "Telemetry",
    "ToolPrefetch",
    "ToolRequest",
    "ToolResult",
    "TranscribeRequest",
    "Transcript",
    "TtsChunk",
    "TurnCommitted",
    "TurnDiscarded",
    "TurnOpened",
    "TurnPaused",
    "TurnReopened",
    "TurnResumed",
    "TurnTimings",
    "VadFrame",
]
