"""What the live panel shows, built only from events (the UI never reaches into stages)."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from voicecli.audioformat import CAPTURE_RATE
from voicecli.dispatch import ByType
from voicecli.events import (
    AssistantTurn,
    BargeIn,
    EchoStats,
    Event,
    ReplyPiece,
    SessionStarted,
    SpanHeard,
    StateChanged,
    ToolResult,
    Transcript,
    TurnCommitted,
    TurnReopened,
    TurnTimings,
    VadFrame,
)
from voicecli.terms import BargeInAction, State

LOG_LINES = 8


@dataclass
class PanelModel:
    """The panel's state: updated by `apply(event)`, read by the renderer."""

    t0: float = 0.0
    mode: str = ""
    models: dict[str, str] = field(default_factory=dict)
    state: str = "listening"
    level_db: float = -120.0
    vad: float = 0.0
    stable: str = ""
    unstable: str = ""
    you: str = ""
    reply_gen: int = 0
    pieces: dict[int, str] = field(default_factory=dict)
    heard: set[int] = field(default_factory=set)
    interrupted: bool = False
    interrupted_heard: str = ""
    last_timings: TurnTimings | None = None
    ttfa: list[float] = field(default_factory=list)
    erle_db: float | None = None
    erl_db: float | None = None
    log: deque[str] = field(default_factory=lambda: deque(maxlen=LOG_LINES))

    def stamp(self, event: Event) -> str:
        return f"{event.t - self.t0:6.1f}s"

    def __post_init__(self) -> None:
        self._dispatch = ByType[None](
            {
                SessionStarted: self._on_session_started,
                StateChanged: self._on_state_changed,
                VadFrame: self._on_vad_frame,
                Transcript: self._on_transcript,
                TurnCommitted: self._on_turn_committed,
                TurnReopened: self._on_turn_reopened,
                ReplyPiece: self._on_reply_piece,
                SpanHeard: self._on_span_heard,
                AssistantTurn: self._on_assistant_turn,
                BargeIn: self._on_barge_in,
                ToolResult: self._on_tool_result,
                EchoStats: self._on_echo_stats,
                TurnTimings: self._on_turn_timings,
            }
        )

    def apply(self, event: Event) -> None:
        self._dispatch(event)

    def _on_session_started(self, e: SessionStarted) -> None:
        self.t0 = e.t
        self.mode = e.mode
        self.models = dict(e.models)

    def _on_state_changed(self, e: StateChanged) -> None:
        self.state = e.state.value
        if e.state is State.USER_SPEAKING and not self.interrupted:
            self.stable = self.unstable = ""

    def _on_vad_frame(self, e: VadFrame) -> None:
        self.level_db = e.level_db
        self.vad = e.probability

    def _on_transcript(self, e: Transcript) -> None:
        self.stable, self.unstable = e.stable, e.unstable

    def _on_turn_committed(self, e: TurnCommitted) -> None:
        self.you = e.text
        self.stable, self.unstable = e.text, ""
        self.reply_gen = e.gen
        self.pieces, self.heard = {}, set()
        self.interrupted = False
        self.log.append(f"{self.stamp(e)}  turn {e.turn} ended ({e.reason}, {e.silence_ms:.0f} ms)")

    def _on_turn_reopened(self, e: TurnReopened) -> None:
        self.log.append(f"{self.stamp(e)}  turn {e.turn} reopened: you went on")

    def _on_reply_piece(self, e: ReplyPiece) -> None:
        if e.gen == self.reply_gen:
            self.pieces[e.piece] = e.text

    def _on_span_heard(self, e: SpanHeard) -> None:
        if e.gen == self.reply_gen:
            self.heard.add(e.piece)

    def _on_assistant_turn(self, e: AssistantTurn) -> None:
        if e.gen == self.reply_gen and e.interrupted:
            self.interrupted = True
            self.state = "interrupted"
            self.interrupted_heard = e.text

    def _on_barge_in(self, e: BargeIn) -> None:
        onset_t = self.t0 + e.onset_sample / CAPTURE_RATE
        if e.action is BargeInAction.PAUSE:
            stop_ms = max(0.0, (e.t - onset_t) * 1000.0)
            self.log.append(f"{self.stamp(e)}  caller spoke: paused in {stop_ms:.0f} ms")
        elif e.action is BargeInAction.RESUME:
            self.log.append(f"{self.stamp(e)}  not an interruption ({e.reason}): resumed")
        else:
            self.log.append(f"{self.stamp(e)}  barge-in: reply stopped, the floor is yours")

    def _on_tool_result(self, e: ToolResult) -> None:
        outcome = f"{e.ms:.0f} ms" if e.ok else f"failed: {e.error}"
        self.log.append(f"{self.stamp(e)}  {e.tool} {e.order_id} ({e.phase.value}): {outcome}")

    def _on_echo_stats(self, e: EchoStats) -> None:
        self.erl_db = e.erl_db
        if e.erle_db is not None:
            self.erle_db = e.erle_db

    def _on_turn_timings(self, e: TurnTimings) -> None:
        self.last_timings = e
        if not math.isnan(e.ttfa_ms):
            self.ttfa.append(e.ttfa_ms)

    # -- derived ----------------------------------------------------------------------------

    @property
    def heard_text(self) -> str:
        if self.interrupted:
            return self.interrupted_heard
        return " ".join(self.pieces[i] for i in sorted(self.pieces) if i in self.heard)

    @property
    def pending_text(self) -> str:
        if self.interrupted:
            return ""
        return " ".join(self.pieces[i] for i in sorted(self.pieces) if i not in self.heard)

    def ttfa_percentiles(self) -> tuple[float, float] | None:
        if not self.ttfa:
            return None
        data = np.array(self.ttfa)
        return float(np.percentile(data, 50)), float(np.percentile(data, 95))
