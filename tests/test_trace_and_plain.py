"""The JSONL trace and the plain event lines."""

from __future__ import annotations

import json
from pathlib import Path

from voicecli.events import TurnCommitted, TurnTimings
from voicecli.trace import TraceWriter
from voicecli.ui.plain import describe, timing_line


def timings(**overrides: float) -> TurnTimings:
    values = dict(
        endpoint_ms=310.0,
        stt_final_ms=280.0,
        llm_first_token_ms=90.0,
        llm_first_clause_ms=240.0,
        tts_first_chunk_ms=150.0,
        ttfa_ms=790.0,
    )
    values.update(overrides)
    return TurnTimings(10.0, 1, 1, user_text="hi", reply_text="hello", **values)


def test_trace_writes_one_flushed_json_line_per_event(tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    writer = TraceWriter(path)
    writer.write(TurnCommitted(12.5, 1, 1, "What time is it?", "complete", 32000, 250.0), t0=10.0)
    lines = path.read_text().splitlines()  # readable before close: flushed per event
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["kind"] == "turn_committed"
    assert record["t"] == 2.5 and record["text"] == "What time is it?"
    writer.write(timings(ttfa_ms=float("nan")))
    writer.close()
    assert json.loads(path.read_text().splitlines()[1])["ttfa_ms"] is None


def test_timing_line_names_every_stage() -> None:
    line = timing_line(timings())
    for part in (
        "endpoint 310 ms",
        "STT final 280 ms",
        "LLM first clause 240 ms",
        "TTS first chunk 150 ms",
        "TTFA 790 ms",
    ):
        assert part in line


def test_describe_commit_and_missing_values() -> None:
    commit = TurnCommitted(1.0, 2, 3, "hello there", "likely", 100, 512.0)
    assert describe(commit) == "you: hello there   (end of turn: likely, 512 ms silence)"
    assert "TTFA —" in timing_line(timings(ttfa_ms=float("nan")))
