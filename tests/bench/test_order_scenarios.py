"""The shipped order scenarios, run for real and checked from their session log.

The log (the bench trace: every event of every run, tagged with its scenario) is the evidence:
every side-effect tool call must come after a committed turn in which the caller said yes to
the agent's "shall I go ahead?"; nothing is cancelled when the caller corrects themselves; a
slow tool is acknowledged before its answer; the heard replies carry the tools' facts.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest
from rich.console import Console

from voicecli.bench.runner import BenchOptions, run_bench
from voicecli.bench.scenario import parse_scenario, shipped_scenarios
from voicecli.config import Config
from voicecli.core.mode import Pipeline

pytestmark = pytest.mark.slow

SIDE_EFFECTS = {"send_tracking_link", "cancel_order", "start_return"}
SAID_YES = re.compile(r"^\W*(yes|yeah|yep|sure|go ahead|please do)\b", re.IGNORECASE)
ASKED = "go ahead?"


def order_scenarios() -> list[Path]:
    paths = sorted(shipped_scenarios().glob("*.toml"))
    return [p for p in paths if "order" in parse_scenario(p).tags]


@pytest.fixture(scope="module")
def runs(config: Config, engines, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every order scenario once on the streaming pipeline: the report and the log by scenario."""
    trace = tmp_path_factory.mktemp("orders") / "trace.jsonl"
    options = BenchOptions(
        scenarios=order_scenarios(),
        pipelines=[Pipeline.STREAMING],
        idle_s=0.0,
        trace_path=trace,
    )
    report = run_bench(config, engines, options, Console(file=open(os.devnull, "w")))  # noqa: SIM115
    log: dict[str, list[dict]] = defaultdict(list)
    for line in trace.read_text().splitlines():
        record = json.loads(line)
        log[record["scenario"]].append(record)
    return {"report": report, "log": log}


def test_there_are_order_scenarios_of_every_kind() -> None:
    names = {parse_scenario(p).name for p in order_scenarios()}
    assert {
        "order-status",
        "order-scenario-rows",
        "order-slow-tool",
        "order-tool-failure",
        "order-cancel-confirm",
        "order-cancel-correction",
        "order-tracking-link",
        "order-return-declined",
    } <= names


def test_heard_replies_carry_the_tools_facts(runs: dict) -> None:
    turns = [t for t in runs["report"]["turns"] if t["expect_pass"] is not None]
    passed = [t for t in turns if t["expect_pass"]]
    failed = [(t["scenario"], t["turn"], t["heard_reply"]) for t in turns if not t["expect_pass"]]
    assert len(turns) >= 12
    assert len(passed) / len(turns) >= 0.9, failed


def test_no_side_effect_without_commit_and_an_explicit_yes(runs: dict) -> None:
    side_effects = 0
    for scenario, records in runs["log"].items():
        committed: dict[int, str] = {}  # gen → the caller's committed words
        last_heard = ""  # what the agent said last, as the caller heard it
        asked_for: dict[int, str] = {}  # gen → what the agent had asked just before it
        for r in records:
            kind = r["kind"]
            if kind == "turn_committed":
                committed[r["gen"]] = r["text"]
                asked_for[r["gen"]] = last_heard
            elif kind == "assistant_turn":
                last_heard = r["text"]
            elif kind in ("tool_request", "tool_result") and r["tool"] in SIDE_EFFECTS:
                side_effects += kind == "tool_result"
                where = f"{scenario}: {r['tool']} {r['order_id']}"
                assert r["phase"] == "confirmed", where
                assert r["gen"] in committed, f"{where} ran outside a committed turn"
                assert SAID_YES.search(committed[r["gen"]]), f"{where} without a yes"
                assert ASKED in asked_for[r["gen"]], f"{where} was never asked about"
    assert side_effects >= 2  # the confirmed cancellation and the tracking link did run


def test_a_correction_mid_utterance_cancels_nothing(runs: dict) -> None:
    records = runs["log"]["order-cancel-correction"]
    calls = [r for r in records if r["kind"] == "tool_request"]
    assert calls and all(r["tool"] == "get_order_status" for r in calls)
    heard = " ".join(r["text"] for r in records if r["kind"] == "assistant_turn")
    assert "4219" in heard and "cancel" not in heard.lower()


def test_a_declined_return_starts_nothing(runs: dict) -> None:
    records = runs["log"]["order-return-declined"]
    assert not [r for r in records if r["kind"] == "tool_request" and r["tool"] == "start_return"]


def test_a_slow_tool_is_acknowledged_before_its_answer(runs: dict) -> None:
    records = runs["log"]["order-slow-tool"]
    pieces = [r for r in records if r["kind"] == "reply_piece"]
    assert pieces[0]["ack"] and not any(p["ack"] for p in pieces[1:])
    # the committed call's result (a read-only prefetch of a number half said, "660", may
    # have answered at once before it)
    result = next(r for r in records if r["kind"] == "tool_result" and r["phase"] == "committed")
    assert pieces[0]["t"] < result["t"] <= pieces[1]["t"]
    heard = [r["text"] for r in records if r["kind"] == "span_heard"]
    assert heard[0] == pieces[0]["text"] and "Thursday" in " ".join(heard[1:])
    turn = next(t for t in runs["report"]["turns"] if t["scenario"] == "order-slow-tool")
    assert turn["ttfa_ms"] < turn["first_content_audio_ms"]  # the bench reports them apart


def test_a_failing_tool_gets_an_apology_and_a_retry_offer(runs: dict) -> None:
    records = runs["log"]["order-tool-failure"]
    results = [r for r in records if r["kind"] == "tool_result" and r["gen"]]
    assert len(results) == 2 and not any(r["ok"] for r in results)  # asked, then retried
    heard = [r["text"] for r in records if r["kind"] == "assistant_turn"]
    assert len(heard) == 2 and all("try again" in h for h in heard)
