"""The `voicecli` command line (Typer): parse arguments, load config, call into the package."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from voicecli.config import Config, load_config
from voicecli.errors import VoicecliError

app = typer.Typer(
    help="voicecli: a fully offline voice assistant for the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
models_app = typer.Typer(help="List, install and verify the offline models.", no_args_is_help=True)
app.add_typer(models_app, name="models")

console = Console()
err_console = Console(stderr=True)


class State:
    """Options shared by every command."""

    config_path: Path | None = None
    _config: Config | None = None

    @classmethod
    def config(cls) -> Config:
        if cls._config is None:
            cls._config = load_config(cls.config_path)
        return cls._config


@app.callback()
def main_options(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="config.toml to use (default: ./config.toml, then "
            "~/.config/voicecli/config.toml, then built-in defaults).",
        ),
    ] = None,
) -> None:
    State.config_path = config
    State._config = None


@models_app.command("list")
def models_list() -> None:
    """Show every model in the manifest and whether it is installed."""
    from voicecli.modelcli import list_models

    list_models(State.config(), console)


@models_app.command("install")
def models_install(
    ids: Annotated[
        list[str] | None, typer.Argument(help="Model ids (default: the default set).")
    ] = None,
    all_models: Annotated[
        bool, typer.Option("--all", help="Also install the optional models.")
    ] = False,
) -> None:
    """Download, unpack, join and verify models into the store (idempotent)."""
    from voicecli.modelcli import install_models

    install_models(State.config(), console, ids or [], all_models)


@models_app.command("verify")
def models_verify(
    ids: Annotated[
        list[str] | None, typer.Argument(help="Model ids (default: all relevant).")
    ] = None,
) -> None:
    """Re-hash every installed model file; report each model OK / missing / corrupt."""
    from voicecli.modelcli import verify_models

    if not verify_models(State.config(), console, ids or []):
        raise typer.Exit(1)


@models_app.command("path")
def models_path(model_id: Annotated[str, typer.Argument(help="Model id.")]) -> None:
    """Print the path engines load for a model (file or folder)."""
    from voicecli.modelcli import model_path

    print(model_path(State.config(), model_id))


@app.command()
def doctor() -> None:
    """Load every model, run each engine once on a bundled sample, print a table."""
    from voicecli.doctor import run_doctor

    if not run_doctor(State.config(), console):
        raise typer.Exit(1)


@app.command()
def devices() -> None:
    """List the audio devices PortAudio sees."""
    from voicecli.audio.devices import list_devices
    from voicecli.ui.devices import device_table

    console.print(device_table(list_devices()))


@app.command()
def talk(
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="Talk from a WAV file instead of the microphone "
            "(virtual devices, paced in real time).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="With --input: write a stereo WAV of the exchange "
            "(left: microphone, right: agent).",
        ),
    ] = None,
    input_device: Annotated[
        str | None, typer.Option("--input-device", help="Microphone (index or name).")
    ] = None,
    output_device: Annotated[
        str | None, typer.Option("--output-device", help="Speaker (index or name).")
    ] = None,
    mirror: Annotated[
        bool, typer.Option("--mirror", help="Voice Mirror: repeat what you say (no LLM).")
    ] = False,
    log: Annotated[
        Path | None,
        typer.Option("--log", help="Session log file (default: a new file in session.log_dir)."),
    ] = None,
    no_log: Annotated[bool, typer.Option("--no-log", help="Write no session log.")] = False,
    plain: Annotated[
        bool, typer.Option("--plain", help="One line per event instead of the live panel.")
    ] = False,
    pipeline: Annotated[
        str,
        typer.Option(
            "--pipeline",
            help="streaming (the product) or cascade (the naive "
            "baseline: 700 ms silence, then transcribe, generate, synthesise).",
        ),
    ] = "streaming",
    no_aec: Annotated[
        bool, typer.Option("--no-aec", help="No echo cancellation (headsets).")
    ] = False,
) -> None:
    """Talk to voicecli: speak, and it answers."""
    from voicecli.pipeline.mode import Pipeline
    from voicecli.talk import TalkOptions, run_talk

    try:
        mode = Pipeline(pipeline)
    except ValueError:
        raise VoicecliError(
            f"--pipeline {pipeline!r} is not a pipeline; use streaming or cascade"
        ) from None
    if output is not None and input is None:
        raise VoicecliError("--output records a file-mode session; give --input FILE.wav too")
    if input is not None and not input.is_file():
        raise VoicecliError(f"{input}: no such file; --input takes a WAV file")
    from voicecli.talk import session_log_path

    config = State.config()
    trace = None if no_log or not config.session.log else (log or session_log_path(config))
    options = TalkOptions(
        input,
        output,
        input_device,
        output_device,
        mirror,
        trace,
        pipeline=mode,
        aec=not no_aec,
        plain=plain,
    )
    run_talk(config, options, console)


@app.command()
def bench(
    scenario: Annotated[
        list[Path] | None,
        typer.Option(
            "--scenario",
            "-s",
            help="Scenario file or folder (repeatable); default: the shipped scenarios.",
        ),
    ] = None,
    pipeline: Annotated[
        str, typer.Option("--pipeline", help="streaming, cascade, or both (interleaved).")
    ] = "both",
    repeat: Annotated[int, typer.Option("--repeat", "-n", min=1, help="Runs per scenario.")] = 1,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write the report here (schema: README).")
    ] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write TTFA histogram + waterfall PNG here.")
    ] = None,
    trace: Annotated[
        Path, typer.Option("--trace", help="Every event of every run, as JSON lines.")
    ] = Path("out/bench/trace.jsonl"),
    model: Annotated[str | None, typer.Option("--model", help="LLM model id.")] = None,
    stt_model: Annotated[str | None, typer.Option("--stt-model", help="STT model id.")] = None,
    idle_s: Annotated[
        float, typer.Option("--idle-s", help="Seconds of silence to measure idle CPU (0: skip).")
    ] = 8.0,
    no_aec: Annotated[
        bool, typer.Option("--no-aec", help="Run without echo cancellation (shows what it buys).")
    ] = False,
) -> None:
    """Measure voicecli: simulated callers in real time, streaming vs the naive cascade."""
    from voicecli.bench.cli import run_bench_command

    run_bench_command(
        State.config(),
        console,
        scenario,
        pipeline,
        repeat,
        json_path,
        plot,
        trace,
        model,
        stt_model,
        idle_s,
        aec=not no_aec,
    )


@app.command()
def report(
    log: Annotated[Path, typer.Argument(help="A session log (talk) or a bench trace (bench).")],
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the TTFA histogram and waterfall here.")
    ] = None,
) -> None:
    """Per-turn table and TTFA summary of a session log or bench trace."""
    from voicecli.report import plot_summary, print_summary, read_log

    if not log.is_file():
        raise VoicecliError(f"{log}: no such log; give a .jsonl session log or bench trace")
    summary = read_log(log)
    print_summary(summary, console)
    if plot is not None:
        plot_summary(summary, plot)
        console.print(f"wrote {plot}")


def main() -> None:
    """Console-script entry: user errors become one line on stderr and a non-zero exit."""
    try:
        app()
    except VoicecliError as err:
        err_console.print(f"[bold red]error:[/] {err}", highlight=False, soft_wrap=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
