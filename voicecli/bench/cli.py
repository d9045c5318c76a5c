"""The `voicecli bench` command: choose models and modes, run, print, write the files."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from rich.console import Console

from voicecli.bench.report import print_report
from voicecli.bench.runner import BenchOptions, run_bench
from voicecli.bench.scenario import shipped_scenarios
from voicecli.config import Config
from voicecli.errors import VoicecliError
from voicecli.modelstore import ModelStore
from voicecli.pipeline.mode import Pipeline
from voicecli.talk import Engines

MODES = {
    "both": [Pipeline.STREAMING, Pipeline.CASCADE],
    "streaming": [Pipeline.STREAMING],
    "cascade": [Pipeline.CASCADE],
}


def run_bench_command(
    config: Config,
    console: Console,
    scenarios: list[Path] | None,
    pipeline: str,
    repeat: int,
    json_path: Path | None,
    plot: Path | None,
    trace: Path | None,
    model: str | None,
    stt_model: str | None,
    idle_s: float,
    aec: bool = True,
) -> dict:
    if pipeline not in MODES:
        raise VoicecliError(f"--pipeline {pipeline!r}: use streaming, cascade or both")
    store = ModelStore(config.store_path())
    models = config.models
    if model:
        store.model(model)
        models = dataclasses.replace(models, llm=model)
    if stt_model:
        store.model(stt_model)
        models = dataclasses.replace(models, stt=stt_model)
    config = dataclasses.replace(config, models=models)
    options = BenchOptions(
        scenarios=scenarios or [shipped_scenarios()],
        pipelines=MODES[pipeline],
        repeat=repeat,
        json_path=json_path,
        plot_path=plot,
        trace_path=trace,
        idle_s=idle_s,
        aec=aec,
    )
    with console.status("loading models…"):
        engines = Engines.load(config)
    report = run_bench(config, engines, options, console)
    print_report(report, console)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        console.print(f"wrote {json_path}")
    if plot is not None:
        from voicecli.bench.plot import plot_report

        plot_report(report, plot)
        console.print(f"wrote {plot}")
    if trace is not None:
        console.print(f"trace: {trace}")
    return report
