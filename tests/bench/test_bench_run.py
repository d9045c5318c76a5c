"""A real bench run: both modes, the report validates against the documented schema."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from voicecli.bench.report import print_report
from voicecli.bench.runner import BenchOptions, run_bench
from voicecli.bench.scenario import shipped_scenarios
from voicecli.bench.variants import variant_of
from voicecli.config import Config
from voicecli.core.mode import Pipeline
from voicecli.report import read_log, ttfa_by_pipeline

pytestmark = pytest.mark.slow


def schema() -> dict:
    return json.loads((resources.files("voicecli") / "bench" / "schema.json").read_text())


def test_both_modes_report_validates_and_prints(config: Config, engines, tmp_path: Path) -> None:
    options = BenchOptions(
        scenarios=[shipped_scenarios() / "plain-week.toml"],
        idle_s=4.0,
        trace_path=tmp_path / "trace.jsonl",
    )
    report = run_bench(config, engines, options, Console(file=open(os.devnull, "w")))  # noqa: SIM115
    jsonschema.validate(report, schema())
    assert set(report["summary"]["pipelines"]) == {"streaming", "cascade"}
    assert report["header"]["machine"]["cores"] == os.cpu_count()
    streaming = report["summary"]["pipelines"]["streaming"]["timings"]["ttfa_ms"]
    cascade = report["summary"]["pipelines"]["cascade"]["timings"]["ttfa_ms"]
    assert streaming["n"] == cascade["n"] == 2
    assert report["summary"]["ratio_cascade_over_streaming"]["ttfa_ms"]["p50"] > 1.0
    assert report["resources"]["idle_cpu_percent"] is not None
    steal = report["resources"]["cpu_steal_percent"]
    assert steal is None or 0.0 <= steal <= 100.0  # the host's share, where the kernel counts it
    lines = (tmp_path / "trace.jsonl").read_text().splitlines()
    tagged = [json.loads(line) for line in lines]
    assert {t["pipeline"] for t in tagged} == {"streaming", "cascade"}
    # `voicecli report` on the trace reproduces the bench's own TTFA p50/p95
    from_trace = ttfa_by_pipeline(read_log(tmp_path / "trace.jsonl"))
    for pipeline in ("streaming", "cascade"):
        bench_ttfa = report["summary"]["pipelines"][pipeline]["timings"]["ttfa_ms"]
        assert from_trace[pipeline] == bench_ttfa
    console = Console(record=True, width=160)
    print_report(report, console)
    text = console.export_text()
    assert "TTFA" in text and "cascade / streaming" in text and "plain" in text
    assert steal is None or "CPU taken by the host (steal)" in text


def test_cli_reports_a_malformed_scenario_and_runs_the_rest(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    shutil.copytree(shipped_scenarios() / "clips", tmp_path / "clips")
    good.write_text((shipped_scenarios() / "plain-week.toml").read_text())
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[[turn]]\naudio = "clips/q-week.wav"\nstrat = "at"\n')
    out = tmp_path / "report.json"
    env = {**os.environ, "COLUMNS": "160"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "voicecli",
            "bench",
            "--scenario",
            str(tmp_path),
            "--pipeline",
            "streaming",
            "--idle-s",
            "0",
            "--json",
            str(out),
            "--trace",
            str(tmp_path / "t.jsonl"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    error_lines = [ln for ln in result.stdout.splitlines() if "error:" in ln]
    assert len(error_lines) == 1
    assert str(bad) in error_lines[0] and "turn[1].strat" in error_lines[0]
    report = json.loads(out.read_text())
    jsonschema.validate(report, schema())
    assert report["header"]["scenarios"] == ["plain-week"]
    assert len(report["errors"]) == 1


def test_a_voiced_corpus_scenario_reports_per_voice_and_acts_on_no_wrong_order(
    config: Config, engines, tmp_path: Path
) -> None:
    """One tune scenario in two tune voices (espeak-ng and flite): the report validates with
    its per-split and per-voice summary, and whatever Whisper made of the number, no tool ran
    on an order the caller does not have (a guess is read back first). How many were answered
    right is the bench's to measure, not a test's."""
    source = shipped_scenarios() / "callers" / "tune" / "t-order-pairs.toml"
    text = source.read_text().replace('voices = "tune"', 'voices = ["espeak-us-m3", "flite-kal"]')
    scenario = tmp_path / "t-order-pairs.toml"
    scenario.write_text(text)
    options = BenchOptions(scenarios=[scenario], pipelines=[Pipeline.STREAMING], idle_s=0.0)
    report = run_bench(config, engines, options, Console(file=open(os.devnull, "w")))  # noqa: SIM115
    jsonschema.validate(report, schema())
    assert report["errors"] == []
    by_voice = report["summary"]["by_voice"]["streaming"]
    assert set(by_voice) == {"espeak-us-m3", "flite-kal"}
    # two questions, and a yes for each number the agent read back
    assert report["summary"]["by_split"]["streaming"]["tune"]["turns"] == len(report["turns"]) >= 2
    assert all(t["wrong_order_calls"] == 0 for t in report["turns"]), report["turns"]


# A reply is made early once the pause's transcript is in and the turn is not yet committed.
# A complete question commits 0.25 s into the pause, and a beam-5 decode of the pause takes
# 0.3-0.4 s on a Xeon but 0.65-0.95 s on this AMD machine (past the 0.8 s silence timeout), so
# with the shipped holds whether a reply is made early depends on the machine. These tests
# hold every turn 2 s, longer than any decode here: the reply is made early on every machine.
SLOW_HOLDS = "turn.complete_silence_s=2.0; turn.likely_silence_s=2.0; turn.silence_timeout_s=2.0"


def test_a_varied_setting_runs_beside_the_loaded_one(
    config: Config, engines, tmp_path: Path
) -> None:
    """`--vary`: each run twice, interleaved; the loaded config makes its replies before the
    commit (the default) and the variant that turns that off makes none; a reply made early is
    never played unless used."""
    loaded = variant_of(config, SLOW_HOLDS).config
    setting = "conversation.speculative_replies=false"
    options = BenchOptions(
        scenarios=[shipped_scenarios() / "plain-week.toml"],
        pipelines=[Pipeline.STREAMING],
        idle_s=0.0,
        variants=[variant_of(loaded, setting)],
    )
    report = run_bench(loaded, engines, options, Console(file=open(os.devnull, "w")))  # noqa: SIM115
    jsonschema.validate(report, schema())
    label = f"streaming {setting}"
    assert set(report["summary"]["pipelines"]) == {"streaming", label}
    assert report["header"]["variants"] == [setting]
    base = [t for t in report["turns"] if not t["variant"]]
    varied = [t for t in report["turns"] if t["variant"] == setting]
    assert len(base) == len(varied) == 2
    assert all(t["speculation"] == "used" for t in base), "a plain question is made early"
    assert all(t["speculation"] is None for t in varied), "the variant makes none early"
    assert all(t["dropped_spans_played"] == 0 for t in report["turns"])
    assert all(t["ttfa_ms"] is not None for t in report["turns"]), "every question answered"


def test_a_reply_made_at_a_pause_the_caller_goes_on_from_is_never_heard(
    config: Config, engines, tmp_path: Path
) -> None:
    """The caller pauses after a full sentence and goes on: the reply made at the pause is
    dropped ("the caller went on") before a sample of it plays, and the turn is answered
    whole. The pause is 1.5 s (the turn holds 2 s): its decode is in before the caller goes
    on, on any machine (the shipped scenario's 0.3 s pause is over before a decode here)."""
    setting = f"conversation.speculative_replies=true; {SLOW_HOLDS}"
    shipped = (shipped_scenarios() / "pause-then-more.toml").read_text()
    scenario = tmp_path / "pause-then-more.toml"
    scenario.write_text(shipped.replace("part_pause_s = 0.3", "part_pause_s = 1.5"))
    options = BenchOptions(
        scenarios=[scenario],
        pipelines=[Pipeline.STREAMING],
        idle_s=0.0,
        variants=[variant_of(config, setting)],
    )
    report = run_bench(config, engines, options, Console(file=open(os.devnull, "w")))  # noqa: SIM115
    varied = [t for t in report["turns"] if t["variant"] == setting]
    assert len(varied) == 1
    turn = varied[0]
    assert "the caller went on" in turn["speculation_dropped"], turn
    assert turn["dropped_spans_played"] == 0
    assert not turn["false_cutoff"] and turn["ttfa_ms"] is not None, turn
    assert "capital" in turn["transcript"].lower(), "one turn: both sentences"


def test_loaded_and_unloaded_runs_are_measured_side_by_side(config: Config, engines) -> None:
    """`--load 0,1`: each run once without and once with a busy process beside it; the
    loaded turns say so, with the CPU the busy process really took, and are summarised apart."""
    options = BenchOptions(
        scenarios=[shipped_scenarios() / "plain-capital.toml"],
        pipelines=[Pipeline.STREAMING],
        idle_s=0.0,
        loads=[0, 1],
    )
    report = run_bench(config, engines, options, Console(file=open(os.devnull, "w")))  # noqa: SIM115
    jsonschema.validate(report, schema())
    assert report["header"]["loads"] == [0, 1]
    assert set(report["summary"]["pipelines"]) == {"streaming", "streaming load 1"}
    loaded = [t for t in report["turns"] if t["load"] == 1]
    quiet = [t for t in report["turns"] if t["load"] == 0]
    assert len(loaded) == len(quiet) == 2
    assert all(t["load_cpu_percent"] > 0 for t in loaded)
    assert all(t["load_cpu_percent"] is None for t in quiet)


def test_the_same_calls_run_on_the_virtual_devices_and_on_the_jack_rig(
    config: Config, engines
) -> None:
    """`--device virtual,jack`: each run once on the virtual pair and once through PortAudio on
    a JACK dummy server, summarised apart; on the rig the turns are found where the rig put
    the caller (the agent's events moved onto its timeline), answered, and the barge-in stops
    the voice, measured from what the rig heard."""
    options = BenchOptions(
        scenarios=[
            shipped_scenarios() / "plain-capital.toml",
            shipped_scenarios() / "barge-in.toml",
        ],
        pipelines=[Pipeline.STREAMING],
        idle_s=0.0,
        devices=["virtual", "jack"],
    )
    report = run_bench(config, engines, options, Console(file=open(os.devnull, "w")))  # noqa: SIM115
    jsonschema.validate(report, schema())
    assert not report["errors"], report["errors"]
    assert set(report["summary"]["pipelines"]) == {"streaming", "streaming jack"}
    rig = [t for t in report["turns"] if t["device"] == "jack"]
    assert len(rig) == len(report["turns"]) // 2
    for turn in rig:
        assert turn["endpoint_ms"] is not None and turn["endpoint_ms"] > 0, turn
        assert not turn["false_cutoff"], turn
    asked = [t for t in rig if t["expect_pass"] is not None]
    assert asked and all(t["expect_pass"] for t in asked), asked
    stops = [t["barge_in_stop_ms"] for t in rig if t["kind"] == "barge_in"]
    assert stops and all(s is not None for s in stops), stops
    summary = report["summary"]["pipelines"]["streaming jack"]
    assert summary["phantom_turns"] == 0 and summary["false_pauses"] == 0
