"""Long calls in a bench report: grouped per run, first ten turns against the last ten."""

from __future__ import annotations

from typing import Any

from voicecli.bench.longcall import LONG_CALL_TURNS, drift_line, long_calls, pooled_lines


def turn(index: int, first_token: float, rss: float, repeat: int = 0) -> dict[str, Any]:
    return {
        "scenario": "long-call",
        "pipeline": "streaming",
        "variant": "",
        "repeat": repeat,
        "turn": index,
        "reference": f"question {index}",
        "llm_first_token_ms": first_token,
        "ttfa_ms": first_token + 1000.0,
        "context_tokens": 100 + 10 * index,
        "cached_tokens": 90 + 10 * index,
        "rss_mb": rss,
        "recording_mb": 0.5 * index,
    }


def test_only_runs_of_many_turns_are_long_calls_each_apart() -> None:
    short = [turn(i, 100.0, 1000.0, repeat=1) for i in range(1, 4)]
    calls = long_calls([turn(i, 100.0, 1000.0) for i in range(40, 0, -1)] + short)
    assert len(calls) == 1 and LONG_CALL_TURNS <= 40
    assert [t["turn"] for t in calls[0].turns] == list(range(1, 41))


def test_the_drift_compares_the_first_ten_turns_with_the_last_ten() -> None:
    turns = [turn(i, 100.0 if i <= 30 else 130.0, 1000.0 + i, repeat=0) for i in range(1, 41)]
    drift = long_calls(turns)[0].drift()
    assert drift["llm_first_token_ms"] == {"first": 100.0, "last": 130.0, "ratio": 1.3}
    assert drift["rss_mb"] == {"after_turn_5": 1005.0, "end": 1040.0}
    assert drift["agent_mb"] == {"after_turn_5": 1002.5, "end": 1020.0}  # less the recording
    line = drift_line(long_calls(turns)[0])
    assert "LLM first token p50 100 → 130 ms (1.30x)" in line and "(+35 MB)" in line
    assert "less the bench's recording after turn 5 1002 → end 1020 MB (+18 MB)" in line


def test_runs_of_one_scenario_are_pooled_first_ten_against_last_ten() -> None:
    slow_late = [turn(i, 100.0 if i <= 30 else 150.0, 1000.0, repeat=0) for i in range(1, 41)]
    even = [turn(i, 120.0, 1000.0, repeat=1) for i in range(1, 41)]
    calls = long_calls(slow_late + even)
    [line] = pooled_lines(calls)
    # first ten: 10 x 100 and 10 x 120 -> p50 110; last ten: 10 x 150 and 10 x 120 -> 135
    assert "2 runs pooled" in line and "LLM first token p50 110 → 135 ms (1.23x)" in line
    assert pooled_lines(calls[:1]) == []  # one run: its own line says it all
