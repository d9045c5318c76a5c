"""`voicecli report LOG`: the per-turn table and TTFA summary of a session log or bench trace.

Reading the file is `logread.py`; this module prints what it found: one table row per turn
(with the session it belongs to when the file holds several), the TTFA p50/p95 per pipeline,
and what a cut log leaves open (a turn mid-way, no `session_ended`).
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from voicecli.logread import LogSummary, read_log
from voicecli.timingstats import percentiles

__all__ = ["LogSummary", "plot_summary", "print_summary", "read_log", "ttfa_by_pipeline"]

COLUMNS = (
    ("endpoint", "endpoint_ms"),
    ("STT final", "stt_final_ms"),
    ("LLM 1st clause", "llm_first_clause_ms"),
    ("TTS 1st chunk", "tts_first_chunk_ms"),
    ("TTFA", "ttfa_ms"),
)


def ttfa_by_pipeline(summary: LogSummary) -> dict[str, dict[str, float | int | None]]:
    pipelines = sorted({t.get("pipeline", "") for t in summary.turns})
    return {
        p: percentiles(t.get("ttfa_ms") for t in summary.turns if t.get("pipeline") == p)
        for p in pipelines
    }


def turn_table(summary: LogSummary) -> Table:
    several = len(summary.sessions) > 1
    table = Table(title=f"{summary.kind} turns")
    if summary.kind == "bench":
        table.add_column("scenario")
        table.add_column("mode")
    if several:
        table.add_column("session", justify="right")
    table.add_column("#", justify="right")
    table.add_column("caller said")
    for label, _ in COLUMNS:
        table.add_column(label, justify="right")
    turns = summary.turns
    for i, t in enumerate(turns):
        row = []
        if summary.kind == "bench":
            row += [str(t.get("scenario", "")), str(t.get("pipeline", ""))]
        if several:
            row.append(str(t.get("session", "")))
        row += [str(t.get("turn", "")), str(t.get("transcript") or "")[:40]]
        for _, name in COLUMNS:
            value = t.get(name)
            row.append("—" if value is None else f"{value:.0f}")
        last_of_session = i + 1 < len(turns) and turns[i + 1].get("session") != t.get("session")
        table.add_row(*row, end_section=several and last_of_session)  # a rule between sessions
    return table


def print_summary(summary: LogSummary, console: Console) -> None:
    if summary.turns:
        console.print(turn_table(summary))
    for pipeline, ttfa in ttfa_by_pipeline(summary).items():
        p50 = "—" if ttfa["p50"] is None else f"{ttfa['p50']:.0f} ms"
        p95 = "—" if ttfa["p95"] is None else f"{ttfa['p95']:.0f} ms"
        console.print(
            f"{pipeline}: TTFA p50 {p50} · p95 {p95} · {ttfa['n']} turns", highlight=False
        )
    if summary.barge_ins:
        console.print(f"barge-ins: {summary.barge_ins}")
    for line in session_lines(summary):
        console.print(line, highlight=False, soft_wrap=True)
    if summary.bad_lines:
        console.print(f"{summary.bad_lines} line(s) cut short (the session ended abruptly)")
    if summary.foreign_lines:
        console.print(f"{summary.foreign_lines} line(s) that are not voicecli events, skipped")


def session_lines(summary: LogSummary) -> list[str]:
    """One line per session when there are several or something is wrong with one."""
    lines = []
    several = len(summary.sessions) > 1
    if several:
        lines.append(f"{len(summary.sessions)} sessions in this file")
    for part in summary.sessions:
        label = f"session {part.index}" if several else "session"
        finished = f"{len(part.turns)} turn(s) answered"
        if part.ended is None:
            lines.append(
                f"{label}: {finished}; the log ends without session_ended (the session was "
                "killed or is still running)"
            )
        elif several or not part.turns:
            lines.append(f"{label}: {finished}; ended: {part.ended}")
        lines += [f"{label}: {cut}" for cut in part.cut]
    return lines


def plot_summary(summary: LogSummary, path: Path) -> None:
    from voicecli.ttfaplot import plot_report

    pipelines = sorted({t.get("pipeline", "") for t in summary.turns})
    report = {"turns": summary.turns, "summary": {"pipelines": {p: {} for p in pipelines}}}
    plot_report(report, path)
