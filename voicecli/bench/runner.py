"""`voicecli bench`: run scenarios through the real pipeline, in real time, in both modes.

For every repeat and scenario the modes run back to back (A B A B…), so drift on a shared
machine hits both; a `--vary` setting adds a variant of each mode, run beside it the same way
(the configuration as loaded, then with the setting, the order alternating by scenario), and so
does each `--load` level (that many busy processes beside the run, bench/load.py).
Each run is a fresh conversation on virtual devices driven by the caller simulator; the
engines are loaded once. Results: per-turn metrics, a summary, resources
(resident memory, idle listening CPU), the run header, errors from malformed scenarios.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import psutil
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from voicecli.audio.virtual import FileSignal
from voicecli.audioformat import CAPTURE_RATE
from voicecli.bench.load import BusyLoad
from voicecli.bench.metrics import (
    RunRecord,
    TurnMetrics,
    false_pauses,
    interrupted_reply_text,
    turn_metrics,
)
from voicecli.bench.played import heard_error_words, played_audio
from voicecli.bench.rigrun import jack_device, rig_record, run_on_rig
from voicecli.bench.scenario import Scenario, load_scenarios, shipped_scenarios
from voicecli.bench.simulator import MAX_REPLY_S, CallerSimulator
from voicecli.bench.summary import RunCounts, summarize
from voicecli.bench.variants import Variant
from voicecli.config import Config, defaults_as_dict
from voicecli.core.mode import Pipeline
from voicecli.errors import VoicecliError
from voicecli.events import (
    DeviceStats,
    EchoStats,
    Event,
    ReplyPiece,
    SessionEnded,
    TurnCommitted,
    VadFrame,
)
from voicecli.sim.backend import FaultyOrderStore
from voicecli.sim.jackserver import JackServer
from voicecli.trace import TraceWriter
from voicecli.wiring import Engines, TalkOptions, build_conversation

SCHEMA = "voicecli-bench/1"
IDLE_WARMUP_S = 2.0
QUIET_ROOM_DBFS = -60.0  # the room idle listening hears
RUN_MARGIN_S = 15.0


@dataclass
class BenchOptions:
    """What to run and where to write it."""

    scenarios: list[Path] = field(default_factory=lambda: [shipped_scenarios()])
    pipelines: list[Pipeline] = field(
        default_factory=lambda: [Pipeline.STREAMING, Pipeline.CASCADE]
    )
    repeat: int = 1
    json_path: Path | None = None
    plot_path: Path | None = None
    trace_path: Path | None = None
    idle_s: float = 8.0
    command: str = ""
    aec: bool = True
    variants: list[Variant] = field(default_factory=list)  # besides the configuration loaded
    loads: list[int] = field(default_factory=lambda: [0])  # busy processes beside each run
    devices: list[str] = field(default_factory=lambda: ["virtual"])  # virtual, jack (the rig)


@dataclass(frozen=True)
class RunKind:
    """How one run is made: its pipeline, the variant of the configuration, the load beside
    it and the devices it runs on."""

    pipeline: Pipeline
    variant: Variant | None = None
    load: int = 0
    device: str = "virtual"

    def describe(self) -> str:
        mode = self.pipeline.value + (f" {self.variant.label}" if self.variant else "")
        mode += f" · load {self.load}" if self.load else ""
        return mode + (f" · {self.device}" if self.device != "virtual" else "")


def config_hash(config: Config) -> str:
    canonical = json.dumps(
        {k: v for k, v in dataclasses.asdict(config).items() if k in defaults_as_dict()},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def run_budget(scenario: Scenario) -> float:
    """Longest a run may take: every wait the caller takes, every clip, every reply at its
    longest, a margin."""
    waits = sum(turn.delay_s for turn in scenario.turns)
    return waits + len(scenario.turns) * (MAX_REPLY_S + 10.0) + RUN_MARGIN_S


class Bench:
    """Runs scenarios and collects per-turn metrics."""

    def __init__(
        self, config: Config, engines: Engines, options: BenchOptions, console: Console
    ) -> None:
        self.console = console
        self.config = config
        self.engines = engines
        self.options = options
        self.turns: list[TurnMetrics] = []
        self.counts: dict[str, RunCounts] = {}
        self.errors: list[str] = []
        self.rss_max = 0
        self.trace = TraceWriter(options.trace_path, fresh=True) if options.trace_path else None
        self.jack: JackServer | None = None  # the rig's server, for runs on --device jack

    def configured(self, variant: Variant | None) -> tuple[Config, Engines]:
        """The configuration and engines a run uses: the loaded ones, or a --vary variant's
        (its own engines where it changes what loads)."""
        if variant is None:
            return self.config, self.engines
        return variant.config, variant.engines or self.engines

    def run_one(self, scenario: Scenario, kind: RunKind, repeat: int) -> None:
        pipeline, variant, load = kind.pipeline, kind.variant, kind.load
        config, engines = self.configured(variant)
        label = label_of(variant)
        jack = self.jack if kind.device == "jack" else None  # the rig's server, or virtual
        # on the rig the caller lives in the rig's process (bench/rigprocess.py)
        simulator = None if jack else CallerSimulator(scenario, engines.tts.sample_rate, repeat)
        orders = FaultyOrderStore.with_sample()  # in memory: a run never touches the user's orders
        orders.seed(scenario.orders)
        talk = TalkOptions(
            pipeline=pipeline,
            max_seconds=run_budget(scenario),
            aec=self.options.aec,
            orders=orders,
        )
        conversation = build_conversation(config, engines, talk, mic=None if jack else simulator)
        tags: dict[str, str | int] = {
            "scenario": scenario.name,
            "pipeline": pipeline.value,
            "repeat": repeat,
        }
        if label:
            tags["variant"] = label
        if load:
            tags["load"] = load
        if jack is not None:
            tags["device"] = kind.device
        trace = self.trace
        process = psutil.Process()
        # per commit: (seconds into the run, RSS MB, of which the bench's recording of the call
        # by the virtual devices)
        memory: list[tuple[float, float, float]] = []

        def on_event(event: Event, t0: float) -> None:
            if isinstance(event, ReplyPiece) and simulator is not None:
                simulator.agent_said(event.text)
            elif isinstance(event, TurnCommitted):
                recording = getattr(conversation.io, "recording_mb", None)
                held = recording() if recording is not None else 0.0
                memory.append((event.t - t0, process.memory_info().rss / 2**20, held))
            if trace is not None and not isinstance(event, VadFrame):
                trace.write(event, t0, tags)

        rig = None
        with BusyLoad(load) as busy:
            if jack is not None:
                result, rig = run_on_rig(
                    conversation, scenario, repeat, jack, on_event, run_budget(scenario)
                )
            else:
                assert simulator is not None
                result = conversation.run(on_event)
        if result.error:
            message = f"{scenario.path}: {pipeline.value} run {repeat}: {result.error}"
            self.errors.append(message)
            self.console.print(f"[red]error:[/] {message}", soft_wrap=True, highlight=False)
            return
        self.rss_max = max(self.rss_max, psutil.Process().memory_info().rss)
        if rig is not None:
            record = rig_record(scenario, pipeline.value, repeat, result, rig, conversation)
        else:
            assert simulator is not None
            record = RunRecord.of(scenario, pipeline.value, repeat, simulator, result)
        turns, phantoms = turn_metrics(record)
        for metrics in turns:
            metrics.variant = label
            metrics.load, metrics.load_cpu_percent = load, busy.cpu_percent()
            metrics.device = kind.device
            if rig is None:
                metrics.rss_mb, metrics.recording_mb = memory_at(memory, metrics.commit_s)
        key = turns[0].label if turns else pipeline.value
        self.check_heard_text(record, turns)
        if self.trace is not None:
            for metrics in turns:
                self.trace.write_record("bench_turn", metrics.to_dict(), tags)
            for at_s in rig.xruns if rig is not None else []:  # the JACK server's, when
                self.trace.write_record("rig_xrun", {"at_s": round(at_s, 3)}, tags)
            for line in jack.xrun_reports() if jack is not None else []:  # and which client
                self.trace.write_record("rig_xrun_report", {"line": line}, tags)
        device = next((e for e in result.events if isinstance(e, DeviceStats)), None)
        echo = [e for e in result.events if isinstance(e, EchoStats)]
        self.counts.setdefault(key, RunCounts()).add(
            RunCounts(
                phantom_turns=phantoms,
                false_pauses=false_pauses(record),
                capture_overruns=device.overruns if device else 0,
                playout_underruns=device.underruns if device else 0,
                device_xruns=device.device_xruns if device else 0,
                erle_db=[e.erle_db for e in echo if e.erle_db is not None],
                echo_sum=sum(e.echo_sum for e in echo),
                residual_sum=sum(e.residual_sum for e in echo),
            )
        )
        self.turns += turns

    def check_heard_text(self, record: RunRecord, turns: list[TurnMetrics]) -> None:
        """For each reply cut short by a barge-in: what did the speaker really play? Transcribe
        it and compare with what history says was heard."""
        for placement, metrics in zip(record.placements, turns, strict=True):
            if metrics.interrupted_reply_heard is None:
                continue
            said = interrupted_reply_text(record, placement)
            audio = played_audio(record, placement)
            if said is None or audio is None:
                continue
            played = self.engines.stt.transcribe(audio, words=False).text
            metrics.interrupted_reply_played = played
            metrics.heard_text_error_words = heard_error_words(
                metrics.interrupted_reply_heard, said, played
            )

    def idle_cpu_percent(self, variant: Variant | None = None) -> float | None:
        """CPU used while listening to a quiet room, in % of one core (after a warm-up), with the
        configuration as loaded or a --vary variant's."""
        if self.options.idle_s <= IDLE_WARMUP_S:
            return None
        config, engines = self.configured(variant)
        conversation = build_conversation(
            config, engines, TalkOptions(), mic=quiet_room(self.options.idle_s)
        )
        process = psutil.Process()
        marks: dict[str, tuple[float, float]] = {}

        def mark(name: str, event: Event) -> None:
            marks[name] = (sum(process.cpu_times()[:2]), event.t)

        def on_event(event: Event, _t0: float) -> None:
            # the process's CPU is read at the two marks only: a read per event cost ~1 %
            warm = isinstance(event, VadFrame) and event.sample >= IDLE_WARMUP_S * CAPTURE_RATE
            if warm and "start" not in marks:
                mark("start", event)
            elif isinstance(event, SessionEnded):
                mark("end", event)

        conversation.run(on_event)
        if "start" not in marks or "end" not in marks:
            return None
        (cpu0, t0), (cpu1, t1) = marks["start"], marks["end"]
        return round(100.0 * (cpu1 - cpu0) / max(1e-6, t1 - t0), 1)


def label_of(variant: Variant | None) -> str:
    """A variant's --vary label; "" for the configuration as loaded."""
    return variant.label if variant is not None else ""


def quiet_room(seconds: float) -> FileSignal:
    """A quiet room at the microphone: steady noise at `QUIET_ROOM_DBFS` (a laptop's own mic
    noise), not digital silence, which no microphone delivers."""
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(int(seconds * CAPTURE_RATE)) * 10 ** (QUIET_ROOM_DBFS / 20)
    return FileSignal(noise.astype(np.float32))


def memory_at(
    samples: list[tuple[float, float, float]], commit_s: float | None
) -> tuple[float | None, float | None]:
    """The resident memory and the recording's share of it, sampled at the commit at
    `commit_s` (seconds into the run)."""
    if commit_s is None or not samples:
        return None, None
    at, rss, recording = min(samples, key=lambda sample: abs(sample[0] - commit_s))
    if abs(at - commit_s) >= 0.05:
        return None, None
    return round(rss, 1), round(recording, 1)


def steal_percent(before: Any, after: Any) -> float | None:
    """The share of all CPU time between two `psutil.cpu_times()` the hypervisor gave to other
    machines (steal; None where the kernel does not count it)."""
    if not hasattr(before, "steal"):
        return None
    total = sum(after) - sum(before)
    return round(100.0 * (after.steal - before.steal) / total, 1) if total > 0 else None


def scenarios_to_run(paths: list[Path], console: Console) -> tuple[list[Scenario], list[str]]:
    """The scenarios under `paths`; a malformed one is one line each and the rest still run,
    none at all is an error (found before the models load: the caller checks first)."""
    scenarios, errors = load_scenarios(paths)
    if not scenarios and len(errors) == 1:
        raise VoicecliError(errors[0])  # the one scenario given is wrong: that is the line
    for error in errors:
        console.print(Text.assemble(("error: ", "red"), error), soft_wrap=True)
    if not scenarios:
        raise VoicecliError("no scenario to run; check --scenario (a .toml file or a folder)")
    return scenarios, errors


def idle_by_variant(bench: Bench) -> dict[str, float | None]:
    """Idle listening CPU of the configuration as loaded ("") and of each --vary variant:
    measured twice each, in the order A B … B A (drift on a shared machine hits all alike),
    averaged."""
    variants: list[Variant | None] = [None, *bench.options.variants]
    order = variants + variants[::-1] if len(variants) > 1 else variants
    taken: dict[str, list[float]] = {label_of(v): [] for v in variants}
    for variant in order:
        percent = bench.idle_cpu_percent(variant)
        if percent is not None:
            taken[label_of(variant)].append(percent)
    return {label: round(sum(p) / len(p), 1) if p else None for label, p in taken.items()}


def run_all(
    bench: Bench, runs: list[tuple[int, Scenario, RunKind]], console: Console
) -> dict[str, float | None]:
    """Idle listening first, then every run, with a progress bar; the idle CPU figures (by
    variant: "" is the configuration as loaded)."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    if bench.options.idle_s > IDLE_WARMUP_S:  # before the progress bar: its redraws cost CPU
        console.print(f"idle listening ({bench.options.idle_s:g} s of a quiet room)…")
    idle = idle_by_variant(bench)
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("bench", total=len(runs))
        for repeat, scenario, kind in runs:
            progress.update(
                task, description=f"{scenario.name} · {kind.describe()} · run {repeat + 1}"
            )
            bench.run_one(scenario, kind, repeat)
            progress.advance(task)
    return idle


def run_bench(
    config: Config,
    engines: Engines,
    options: BenchOptions,
    console: Console,
    loaded: tuple[list[Scenario], list[str]] | None = None,
) -> dict:
    """Run every scenario in every mode, `repeat` times; return the report (JSON-ready).
    `loaded`: the scenarios already read by `scenarios_to_run`."""
    scenarios, errors = loaded or scenarios_to_run(options.scenarios, console)
    bench = Bench(config, engines, options, console)
    bench.errors += errors
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    variants: list[Variant | None] = [None, *options.variants]
    kinds = [
        RunKind(p, v, n, d)
        for p in options.pipelines
        for v in variants
        for n in options.loads
        for d in options.devices
    ]
    runs = [
        (repeat, scenario, kind)
        for repeat in range(options.repeat)
        for i, scenario in enumerate(scenarios)
        for kind in (kinds if i % 2 == 0 else kinds[::-1])
    ]
    cpu_before = psutil.cpu_times()
    with contextlib.ExitStack() as stack:
        if "jack" in options.devices:
            bench.jack = stack.enter_context(jack_device())
        idle = run_all(bench, runs, console)
    if bench.trace is not None:
        bench.trace.close()
    models = config.models
    return {
        "schema": SCHEMA,
        "header": {
            "started": started,
            "command": options.command or " ".join(sys.argv),
            "models": {"vad": models.vad, "stt": models.stt, "llm": models.llm, "tts": models.tts},
            "config_hash": config_hash(config),
            "machine": machine(),
            "repeat": options.repeat,
            "pipelines": [p.value for p in options.pipelines],
            "variants": [v.label for v in options.variants],
            "loads": options.loads,
            "devices": options.devices,
            "aec": options.aec,
            "scenarios": [s.name for s in scenarios],
        },
        "turns": [t.to_dict() for t in bench.turns],
        "summary": summarize(bench.turns, bench.counts),
        "resources": {
            "rss_mb_max": round(bench.rss_max / 2**20, 1),
            "idle_cpu_percent": idle[""],
            "idle_cpu_percent_by_variant": {k: v for k, v in idle.items() if k},
            "cpu_steal_percent": steal_percent(cpu_before, psutil.cpu_times()),
        },
        "errors": bench.errors,
    }
