"""The session around the conversation: its start and end, the floor's state, what the
panel, the log and the bench measure (VAD frames, echo readings, timings, device stats).
"""

from __future__ import annotations

from dataclasses import dataclass

from voicecli.events.base import Fact, Lifecycle, Telemetry
from voicecli.terms import State


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
class HistoryTrimmed(Fact):
    """The model's window of turns was trimmed after a reply (policy/history.py): it now holds
    `kept` caller turns; `pinned` is what the call established, kept after the system prompt."""

    kept: int
    dropped: int
    pinned: tuple[str, ...]


@dataclass(frozen=True)
class VadFrame(Telemetry):
    """One 32 ms frame's speech probability; `voiced` is the segmenter's verdict on it (the
    one place thresholds are applied: policy/voicing.py); `after_break`: it follows a device
    xrun by less than `[interrupt] break_guard_s`, and the canceller may not have caught up."""

    sample: int
    probability: float
    level_db: float
    voiced: bool = False
    after_break: bool = False


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
    reaches the mic (ERL, dB) and how much of that the canceller removes (ERLE, dB), with
    the sums of frame powers the ERLE is the ratio of (audio/echometer.py)."""

    erl_db: float | None
    erle_db: float | None
    echo_sum: float = 0.0
    residual_sum: float = 0.0


@dataclass(frozen=True)
class DeviceStats(Telemetry):
    """Missed deadlines over the session: microphone blocks the listener read too late
    (`overruns`), speaker blocks that ran dry mid-reply (`underruns`: the voice behind real
    time), and blocks the sound card itself reported late (`device_xruns`: PortAudio's input
    overflow and output underflow flags; 0 on the virtual devices)."""

    overruns: int
    underruns: int
    device_xruns: int = 0


@dataclass(frozen=True)
class StageError(Lifecycle):
    stage: str
    message: str
