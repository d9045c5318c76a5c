"""The `voicecli bench` command: choose models and modes, run, print, write the files."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import shutil
from pathlib import Path

from rich.console import Console

from voicecli.bench.longcall import long_calls, plot_long_calls
from voicecli.bench.pace import at_pace, pace_waits
from voicecli.bench.report import print_report
from voicecli.bench.runner import BenchOptions, run_bench, scenarios_to_run
from voicecli.bench.scenario import shipped_corpus, shipped_scenarios
from voicecli.bench.variants import variant_of, with_engines
from voicecli.bench.voices import SETS
from voicecli.config import Config
from voicecli.core.mode import Pipeline
from voicecli.errors import UsageError, VoicecliError
from voicecli.modelstore import ModelStore
from voicecli.userpaths import check_output_file, write_atomically
from voicecli.wiring import Engines

MAX_LOAD = 16  # busy processes: more than a laptop's cores is already a saturated machine
DEVICES = ("virtual", "jack")  # the simulated pair, or the JACK rig (bench/rigrun.py)
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
    corpus: list[str] | None = None,
    vary: list[str] | None = None,
    load: str = "0",
    device: str = "virtual",
    pace: str = "",
) -> dict:
    if pipeline not in MODES:
        raise UsageError(f"--pipeline {pipeline!r}: use streaming, cascade or both")
    loads = load_levels(load)
    devices = device_kinds(device)
    waits = pace_waits(pace) if pace else ()
    for split in corpus or []:
        if split not in SETS:
            raise UsageError(f"--corpus {split!r}: use {' or '.join(SETS)}")
    check_outputs(json_path, plot, trace, scenarios or [])
    # the corpus alone, holdout first, unless scenarios are named too
    chosen = list(scenarios or ([] if corpus else [shipped_scenarios()]))
    chosen += [shipped_corpus(split) for split in sorted(set(corpus or []))]
    store = ModelStore(config.store_path())
    models = config.models
    if model:
        models = dataclasses.replace(models, llm=model_for(store, "--model", model, "llm"))
    if stt_model:
        models = dataclasses.replace(models, stt=model_for(store, "--stt-model", stt_model, "stt"))
    config = dataclasses.replace(config, models=models)
    variants = [variant_of(config, setting) for setting in vary or []]
    options = BenchOptions(
        scenarios=chosen,
        pipelines=MODES[pipeline],
        repeat=repeat,
        json_path=json_path,
        plot_path=plot,
        trace_path=trace,
        idle_s=idle_s,
        aec=aec,
        variants=variants,
        loads=loads,
        devices=devices,
    )
    loaded = scenarios_to_run(options.scenarios, console)
    if waits:
        loaded = ([at_pace(scenario, waits) for scenario in loaded[0]], loaded[1])
    with console.status("loading models…"):
        engines = Engines.load(config)
        options.variants = [with_engines(v, config, engines) for v in options.variants]
    report = run_bench(config, engines, options, console, loaded)
    print_report(report, console)
    if json_path is not None:
        text = json.dumps(report, indent=1) + "\n"
        write_atomically(json_path, lambda p: p.write_text(text, encoding="utf-8"))
        console.print(f"wrote {json_path}")
    if plot is not None:
        from voicecli.ttfaplot import plot_report

        plot_report(report, plot)
        console.print(f"wrote {plot}")
        calls = long_calls(report["turns"])
        if calls:
            per_turn = plot.with_name(f"{plot.stem}-long-call{plot.suffix}")
            plot_long_calls(calls, per_turn)
            console.print(f"wrote {per_turn}")
    if trace is not None:
        console.print(f"trace: {trace}")
    return report


def load_levels(given: str) -> list[int]:
    """`--load 1` or `--load 0,1,2`: how many busy processes run beside each run, per level."""
    levels = [part.strip() for part in given.split(",")]
    if not all(part.isdigit() and int(part) <= MAX_LOAD for part in levels):
        raise UsageError(
            f"--load {given!r}: give a number of busy processes from 0 to {MAX_LOAD}, or "
            "several joined by ',' (0,1)"
        )
    return list(dict.fromkeys(int(part) for part in levels))


def device_kinds(given: str) -> list[str]:
    """`--device jack` or `--device virtual,jack`: the devices each scenario runs on."""
    kinds = [part.strip() for part in given.split(",")]
    if not all(kind in DEVICES for kind in kinds):
        raise UsageError(f"--device {given!r}: use virtual, jack, or both joined by ','")
    if "jack" in kinds and shutil.which("jackd") is None:
        raise VoicecliError("--device jack: jackd is not installed; scripts/setup installs jackd2")
    return list(dict.fromkeys(kinds))


def model_for(store: ModelStore, flag: str, model_id: str, role: str) -> str:
    """A model id of the manifest that fills `role`, or one line naming the ones that do."""
    model = store.model(model_id)
    if model.role != role:
        fitting = ", ".join(m.id for m in store.models.values() if m.role == role)
        raise UsageError(f"{flag} {model_id}: is a {model.role} model; {flag} takes: {fitting}")
    return model_id


def check_outputs(
    json_path: Path | None, plot: Path | None, trace: Path | None, scenarios: list[Path]
) -> None:
    """Everything the run will write or read is checked before the models load: a run takes
    minutes, and its report must not be lost at the end. Bench reports replace older ones."""
    for path in scenarios:
        if not path.exists():
            raise VoicecliError(
                f"--scenario {path}: no such file or folder; give a scenario .toml or a folder"
            )
    given = [("--scenario", s) for s in scenarios if s.is_file()]
    for flag, path in (("--json", json_path), ("--plot", plot), ("--trace", trace)):
        if path is not None:
            check_output_file(path, flag, overwrite=True, inputs=given)
            given.append((flag, path))
    if plot is not None and importlib.util.find_spec("matplotlib") is None:
        raise VoicecliError(
            f"--plot {plot}: needs matplotlib, which is not installed; "
            "run `.venv/bin/pip install -e '.[plot]'` or leave out --plot"
        )
