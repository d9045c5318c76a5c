"""The caller's side: sound and speech heard, the turn it makes, its transcripts, and the
reversible work asked for before the turn is committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voicecli.events.base import Command, Fact, Telemetry


@dataclass(frozen=True)
class SoundOnset(Fact):
    """A sudden loud sound on the echo-cancelled mic (20 ms resolution): maybe the caller.
    `made_by` is a clock time by which the sound had certainly been made: when its frame
    reached the program (None when the capture ring was not told)."""

    sample: int
    level_db: float
    made_by: float | None = None


@dataclass(frozen=True)
class DeviceBreak(Fact):
    """The sound card lost a period (an xrun flag) at `sample` of the capture timeline: the mic
    and the echo path jumped there, and the canceller's residual is loud until it catches up.
    The flag can come a period or two after the jump (JACK tells PortAudio from another thread)."""

    sample: int


@dataclass(frozen=True)
class SpeechStarted(Fact):
    """The VAD is sure the caller speaks (`sample`: its first voiced frame; `audio_start`: the
    pre-roll's start). `made_by`: the clock time by which that frame's sound had been made
    (its arrival, as `SoundOnset.made_by`; None where no writer stamped it)."""

    sample: int
    audio_start: int
    made_by: float | None = None


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
    logprob: float = 0.0  # how sure Whisper was of the reading (its average token log-prob)

    @property
    def text(self) -> str:
        return f"{self.stable} {self.unstable}".strip()


@dataclass(frozen=True)
class PauseDraft(Fact):
    """The greedy reading of the turn up to a pause, ahead of the beam decode the commit reads:
    a reply may be made from it early (held), the turn is never committed on it."""

    turn: int
    text: str
    covers_until: int
    decode_ms: float


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
class ToolPrefetch(Command):
    """Before commit: start a read-only lookup the turn will probably need (thrown away if
    not)."""

    tool: str
    order_id: str
