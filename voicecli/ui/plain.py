"""Plain output: one line per event worth reading, for pipes, logs and `--plain`."""

from __future__ import annotations

import math
from typing import TextIO

from voicecli.dispatch import ByType
from voicecli.events import (
    AssistantTurn,
    DeviceStats,
    Event,
    SessionEnded,
    SessionStarted,
    StageError,
    StateChanged,
    Transcript,
    TurnCommitted,
    TurnDiscarded,
    TurnReopened,
    TurnTimings,
)


def _ms(value: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.0f} ms"


def timing_line(t: TurnTimings) -> str:
    """The per-turn latency line: every stage's milestone, then TTFA."""
    return (
        f"turn {t.turn}: endpoint {_ms(t.endpoint_ms)} · STT final {_ms(t.stt_final_ms)} · "
        f"LLM first clause {_ms(t.llm_first_clause_ms)} · TTS first chunk "
        f"{_ms(t.tts_first_chunk_ms)} · TTFA {_ms(t.ttfa_ms)}"
    )


def _session_started(event: SessionStarted) -> str:
    models = ", ".join(f"{k} {v}" for k, v in event.models.items() if v)
    return f"{event.mode} session: {models}; mic {event.in_rate} Hz, speaker {event.out_rate} Hz"


def _transcript(event: Transcript) -> str | None:
    tail = f" [{event.unstable}]" if event.unstable else ""
    return f"… {event.stable}{tail}" if (event.stable or tail) else None


def _committed(event: TurnCommitted) -> str:
    return f"you: {event.text}   (end of turn: {event.reason}, {event.silence_ms:.0f} ms silence)"


def _assistant(event: AssistantTurn) -> str:
    return f"agent: {event.text}" + ("   (interrupted)" if event.interrupted else "")


def _device(event: DeviceStats) -> str:
    return (
        f"audio: {event.overruns} capture overruns, {event.underruns} playout underruns, "
        f"{event.device_xruns} device xruns"
    )


LINES = ByType[str | None](
    {
        SessionStarted: _session_started,
        StateChanged: lambda e: f"[{e.state.value}]",
        Transcript: _transcript,
        TurnCommitted: _committed,
        TurnDiscarded: lambda e: f"(turn {e.turn} dropped: {e.reason})",
        TurnReopened: lambda e: f"(turn {e.turn} reopened: you went on speaking)",
        AssistantTurn: _assistant,
        TurnTimings: timing_line,
        DeviceStats: _device,
        StageError: lambda e: f"error in {e.stage}: {e.message}",
        SessionEnded: lambda e: f"session ended ({e.reason})",
    }
)


def describe(event: Event) -> str | None:
    """The line for an event, or None for events not worth a line."""
    return LINES(event)


class PlainPrinter:
    """Prints described events with their time since the session started."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def __call__(self, event: Event, t0: float) -> None:
        line = describe(event)
        if line is not None:
            self.out.write(f"{event.t - t0:7.2f}s  {line}\n")
            self.out.flush()
