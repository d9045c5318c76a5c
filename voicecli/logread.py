"""Reading a session log or bench trace back: which file it is, its sessions, its turns, and
what a log that ends abruptly still says (a turn cut mid-way, no `session_ended`).

A session log (from `voicecli talk`) holds the agent's own per-turn timings (`turn_timings`); a
file holding several sessions is split at each `session_started`. A bench trace (from
`voicecli bench --trace`) also holds one `bench_turn` record per caller turn with the bench's
measurements against ground truth; those are the turns reported, so the TTFA figures are the
bench's own.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecli.errors import VoicecliError
from voicecli.events import Event, TurnTimings

# the stage timings a turn_timings event carries
TIMING_KEYS = tuple(f.name for f in dataclasses.fields(TurnTimings) if f.name.endswith("_ms"))
BENCH_TURN = "bench_turn"


def _event_kinds() -> set[str]:
    kinds: set[str] = set()
    todo = [Event]
    while todo:
        cls = todo.pop()
        kinds.add(cls.kind)
        todo += cls.__subclasses__()
    return kinds


EVENT_KINDS = _event_kinds()


@dataclass
class SessionPart:
    """One session of a log: how it started and ended, its finished turns, what was cut."""

    index: int
    mode: str = ""
    ended: str | None = None  # the session_ended reason; None: the log stops without one
    turns: list[dict[str, Any]] = field(default_factory=list)
    cut: list[str] = field(default_factory=list)  # turns the log holds no end for


@dataclass
class LogSummary:
    """What a log says, turn by turn."""

    kind: str  # "session" or "bench"
    turns: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[SessionPart] = field(default_factory=list)
    barge_ins: int = 0
    bad_lines: int = 0
    foreign_lines: int = 0  # JSON lines that are not voicecli events


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def read_records(path: Path) -> tuple[list[dict[str, Any]], int, int]:
    """The voicecli records of a JSONL file, the lines cut short, the lines that are not ours.
    Anything that is not a voicecli log at all is one line naming the file and what it is."""
    if path.is_dir():
        raise VoicecliError(f"{path}: is a folder; give a .jsonl session log or bench trace")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise VoicecliError(f"{path}: cannot read the log ({err.strerror})") from None
    if not raw.strip():
        raise VoicecliError(
            f"{path}: the file is empty; give a session log from `voicecli talk` or a trace "
            "from `voicecli bench --trace`"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise VoicecliError(
            f"{path}: not a text file (a voicecli log is JSON lines); give a session log from "
            "`voicecli talk` or a trace from `voicecli bench --trace`"
        ) from None
    records: list[dict[str, Any]] = []
    bad = foreign = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            bad += 1
            continue
        kind = record.get("kind") if isinstance(record, dict) else None
        if kind in EVENT_KINDS or kind == BENCH_TURN:
            records.append(record)
        else:
            foreign += 1
    if not records:
        what = "no line is JSON" if not foreign else "none of its lines is a voicecli event"
        raise VoicecliError(
            f"{path}: not a voicecli log ({what}); give a session log from `voicecli talk` "
            "or a trace from `voicecli bench --trace`"
        )
    return records, bad, foreign


def read_log(path: Path) -> LogSummary:
    """Parse a log; a line cut short by a crash is counted, not fatal."""
    records, bad, foreign = read_records(path)
    bench = [r for r in records if r.get("kind") == BENCH_TURN]
    summary = LogSummary("bench" if bench else "session", bad_lines=bad, foreign_lines=foreign)
    summary.barge_ins = sum(
        1 for r in records if r.get("kind") == "barge_in" and r.get("action") == "interrupt"
    )
    if bench:
        summary.turns = [r["data"] for r in bench if isinstance(r.get("data"), dict)]
        return summary
    summary.sessions = split_sessions(records)
    summary.turns = [t for s in summary.sessions for t in s.turns]
    return summary


def split_sessions(records: list[dict[str, Any]]) -> list[SessionPart]:
    """The sessions of a log in order, each with its finished turns and its cut ones."""
    sessions: list[SessionPart] = []
    reader: _SessionReader | None = None
    for record in records:
        if record.get("kind") == "session_started" or reader is None:
            if reader is not None:
                sessions.append(reader.finish())
            reader = _SessionReader(SessionPart(len(sessions) + 1))
        reader.read(record)
    if reader is not None:
        sessions.append(reader.finish())
    return sessions


class _SessionReader:
    """Follows one session's turns through its events."""

    def __init__(self, part: SessionPart) -> None:
        self.part = part
        self.opened: dict[int, str] = {}  # turn → what became of it so far
        self.said: dict[int, str] = {}
        self.answered: set[int] = set()
        self.gen_turn: dict[int, int] = {}

    def read(self, r: dict[str, Any]) -> None:
        kind = r.get("kind")
        turn = r.get("turn")
        if kind == "session_started":
            self.part.mode = str(r.get("mode", ""))
        elif kind == "session_ended":
            self.part.ended = str(r.get("reason", ""))
        elif kind in ("turn_opened", "turn_reopened") and isinstance(turn, int):
            self.opened[turn] = "open"
        elif kind == "turn_discarded" and isinstance(turn, int):
            self.opened.pop(turn, None)
        elif kind == "turn_committed" and isinstance(turn, int):
            self.opened[turn] = "committed"
            self.said[turn] = str(r.get("text", ""))
            if isinstance(r.get("gen"), int):
                self.gen_turn[r["gen"]] = turn
        elif kind == "assistant_turn" and isinstance(r.get("gen"), int):
            answered = self.gen_turn.get(r["gen"])
            if answered is not None:
                self.answered.add(answered)
        elif kind == "turn_timings" and isinstance(turn, int):
            self.answered.add(turn)
            row: dict[str, Any] = {name: _number(r.get(name)) for name in TIMING_KEYS}
            row.update(
                pipeline=self.part.mode or "session",
                session=self.part.index,
                turn=turn,
                transcript=r.get("user_text"),
                heard_reply=r.get("reply_text"),
                scenario="session",
            )
            self.part.turns.append(row)

    def finish(self) -> SessionPart:
        """A log that stops without `session_ended` was cut (kill -9, power loss): name the
        turns it leaves open. (In a session that ended, an unanswered turn was superseded.)"""
        if self.part.ended is not None:
            return self.part
        for turn, state in sorted(self.opened.items()):
            if turn in self.answered:
                continue
            if state == "committed":
                said = self.said.get(turn, "")[:60]
                self.part.cut.append(f"turn {turn} (“{said}”) was committed; its reply never ended")
            else:
                self.part.cut.append(f"turn {turn} was still being spoken")
        return self.part
