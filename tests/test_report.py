"""`voicecli report` on session logs and bench traces written by the real TraceWriter."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from voicecli.errors import VoicecliError
from voicecli.events import SessionStarted, TurnTimings
from voicecli.report import print_summary, read_log, ttfa_by_pipeline
from voicecli.timingstats import percentiles
from voicecli.trace import TraceWriter


def timings(turn: int, ttfa: float) -> TurnTimings:
    return TurnTimings(
        t=float(turn),
        turn=turn,
        gen=turn,
        endpoint_ms=300.0,
        stt_final_ms=150.0,
        llm_first_token_ms=200.0,
        llm_first_clause_ms=320.0,
        tts_first_chunk_ms=90.0,
        ttfa_ms=ttfa,
        user_text=f"question {turn}",
        reply_text=f"answer {turn}",
    )


def test_bench_trace_reports_the_bench_turns_per_pipeline(tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    trace = TraceWriter(path, fresh=True)
    ttfa = {"streaming": [700.0, 820.0, 760.0], "cascade": [2100.0, 2300.0, 1900.0]}
    for pipeline, values in ttfa.items():
        tags = {"scenario": "plain-week", "pipeline": pipeline, "repeat": 0}
        # the agent's own timings sit in the trace too; the report must not count them
        trace.write(timings(1, 1.0), 0.0, tags)
        for i, value in enumerate(values):
            turn = {"kind": "turn", "pipeline": pipeline, "turn": i, "ttfa_ms": value}
            trace.write_record("bench_turn", turn, tags)
    trace.close()
    summary = read_log(path)
    assert summary.kind == "bench"
    assert ttfa_by_pipeline(summary) == {p: percentiles(v) for p, v in ttfa.items()}


def test_session_log_cut_by_a_crash_still_reports(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    trace = TraceWriter(path)
    trace.write(SessionStarted(0.0, "streaming", {"llm": "qwen2.5-0.5b"}, 16000, 22050, 0.0))
    trace.write(timings(1, 640.0))
    trace.write(timings(2, 910.0))
    trace.close()
    with path.open("a") as f:
        f.write('{"kind": "turn_tim')  # the line a kill -9 cut short
    summary = read_log(path)
    assert summary.kind == "session" and summary.bad_lines == 1
    assert ttfa_by_pipeline(summary) == {"streaming": percentiles([640.0, 910.0])}
    console = Console(record=True, width=140)
    print_summary(summary, console)
    text = console.export_text()
    assert "question 2" in text and "910" in text
    assert "streaming: TTFA p50 775 ms" in text
    assert "1 line(s) cut short" in text


def test_a_log_with_no_events_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("not json\n")
    with pytest.raises(VoicecliError, match=r"not a voicecli log \(no line is JSON\)"):
        read_log(path)
