"""`voicecli report LOG`: the per-turn table and TTFA summary of a session log or bench trace.

A session log (from `voicecli talk`) holds the agent's own per-turn timings (`turn_timings`).
A bench trace (from `voicecli bench --trace`) also holds one `bench_turn` record per caller turn
with the bench's measurements against ground truth; the report summarises those, so its TTFA
p50/p95 are the bench's own.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from voicecli.bench.summary import percentiles
from voicecli.errors import VoicecliError

COLUMNS = (
    ("endpoint", "endpoint_ms"),
    ("STT final", "stt_final_ms"),
    ("LLM 1st clause", "llm_first_clause_ms"),
    ("TTS 1st chunk", "tts_first_chunk_ms"),
    ("TTFA", "ttfa_ms"),
)


@dataclass
class LogSummary:
    """What a log says, turn by turn."""

    kind: str  # "session" or "bench"
    turns: list[dict[str, Any]] = field(default_factory=list)
    barge_ins: int = 0
    bad_lines: int = 0


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def read_log(path: Path) -> LogSummary:
    """Parse a JSONL log; a line cut short by a crash is counted, not fatal."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise VoicecliError(f"{path}: cannot read the log ({err.strerror})") from None
    records = []
    bad = 0
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            bad += 1
    if not records:
        raise VoicecliError(f"{path}: no events in this file; give a session log or bench trace")
    bench = [r for r in records if r.get("kind") == "bench_turn"]
    summary = LogSummary("bench" if bench else "session", bad_lines=bad)
    summary.barge_ins = sum(
        1 for r in records if r.get("kind") == "barge_in" and r.get("action") == "interrupt"
    )
    if bench:
        summary.turns = [r["data"] for r in bench if isinstance(r.get("data"), dict)]
        return summary
    mode = next((r.get("mode") for r in records if r.get("kind") == "session_started"), "")
    for r in records:
        if r.get("kind") == "turn_timings":
            turn = {name: _number(r.get(name)) for _, name in COLUMNS}
            turn.update(
                pipeline=mode or "session",
                turn=r.get("turn"),
                transcript=r.get("user_text"),
                heard_reply=r.get("reply_text"),
                scenario="session",
            )
            summary.turns.append(turn)
    return summary


def ttfa_by_pipeline(summary: LogSummary) -> dict[str, dict[str, float | int | None]]:
    pipelines = sorted({t.get("pipeline", "") for t in summary.turns})
    return {
        p: percentiles(t.get("ttfa_ms") for t in summary.turns if t.get("pipeline") == p)
        for p in pipelines
    }


def turn_table(summary: LogSummary) -> Table:
    table = Table(title=f"{summary.kind} turns")
    if summary.kind == "bench":
        table.add_column("scenario")
        table.add_column("mode")
    table.add_column("#", justify="right")
    table.add_column("caller said")
    for label, _ in COLUMNS:
        table.add_column(label, justify="right")
    for t in summary.turns:
        row = []
        if summary.kind == "bench":
            row += [str(t.get("scenario", "")), str(t.get("pipeline", ""))]
        row += [str(t.get("turn", "")), str(t.get("transcript") or "")[:40]]
        for _, name in COLUMNS:
            value = t.get(name)
            row.append("—" if value is None else f"{value:.0f}")
        table.add_row(*row)
    return table


def print_summary(summary: LogSummary, console: Console) -> None:
    console.print(turn_table(summary))
    for pipeline, ttfa in ttfa_by_pipeline(summary).items():
        p50 = "—" if ttfa["p50"] is None else f"{ttfa['p50']:.0f} ms"
        p95 = "—" if ttfa["p95"] is None else f"{ttfa['p95']:.0f} ms"
        console.print(
            f"{pipeline}: TTFA p50 {p50} · p95 {p95} · {ttfa['n']} turns", highlight=False
        )
    if summary.barge_ins:
        console.print(f"barge-ins: {summary.barge_ins}")
    if summary.bad_lines:
        console.print(f"{summary.bad_lines} line(s) cut short (the session ended abruptly)")


def plot_summary(summary: LogSummary, path: Path) -> None:
    from voicecli.bench.plot import plot_report

    pipelines = sorted({t.get("pipeline", "") for t in summary.turns})
    report = {"turns": summary.turns, "summary": {"pipelines": {p: {} for p in pipelines}}}
    plot_report(report, path)
