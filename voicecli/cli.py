"""The `voicecli` command line (Typer): parse arguments, load config, call into the package."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from voicecli.audio.wavfile import check_audio_file
from voicecli.config import Config, load_config
from voicecli.errors import UsageError, VoicecliError

app = typer.Typer(
    help="voicecli: a fully offline voice assistant for the terminal.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
models_app = typer.Typer(
    help="List, install and verify the offline models.", invoke_without_command=True
)
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


def _help_when_bare(ctx: typer.Context) -> None:
    """A command group given no command prints its help (not an error)."""
    if ctx.invoked_subcommand is None:
        console.print(ctx.get_help(), highlight=False)
        raise typer.Exit(0)


@models_app.callback()
def models_options(ctx: typer.Context) -> None:
    _help_when_bare(ctx)


@app.callback()
def main_options(
    ctx: typer.Context,
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
    _help_when_bare(ctx)


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
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an existing --output or --log file.")
    ] = False,
) -> None:
    """Talk to voicecli: speak, and it answers."""
    from voicecli.core.mode import Pipeline
    from voicecli.talk import run_talk
    from voicecli.userpaths import check_input_file, check_output_file
    from voicecli.wiring import TalkOptions

    try:
        mode = Pipeline(pipeline)
    except ValueError:
        raise UsageError(
            f"--pipeline {pipeline!r} is not a pipeline; use streaming or cascade"
        ) from None
    if output is not None and input is None:
        raise UsageError("--output records a file-mode session; give --input FILE.wav too")
    if log is not None and no_log:
        raise UsageError("--log and --no-log contradict each other; give one of them")
    config = State.config()
    given: list[tuple[str, Path]] = []
    if config.source is not None:
        given.append(("--config", config.source))
    if input is not None:
        check_input_file(input, "--input", "a WAV or FLAC file")
        check_audio_file(input, "--input")
        given.append(("--input", input))
    if output is not None:
        check_output_file(output, "--output", overwrite, given)
        given.append(("--output", output))
    if log is not None:
        check_output_file(log, "--log", overwrite, given)
    options = TalkOptions(
        input,
        output,
        input_device,
        output_device,
        mirror,
        log=log,
        write_log=not no_log and config.session.log,
        overwrite=overwrite,
        pipeline=mode,
        aec=not no_aec,
        plain=plain,
    )
    result = run_talk(config, options, console)
    if result.interrupted:
        raise typer.Exit(130)


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
    corpus: Annotated[
        list[str] | None,
        typer.Option(
            "--corpus",
            help="Also run the caller corpus: holdout or tune (repeatable); each of its "
            "scenarios in every voice of the split.",
        ),
    ] = None,
    pipeline: Annotated[
        str, typer.Option("--pipeline", help="streaming, cascade, or both (interleaved).")
    ] = "both",
    repeat: Annotated[int, typer.Option("--repeat", "-n", min=1, help="Runs per scenario.")] = 1,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write the report here (schema: docs/bench.md).")
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
        float,
        typer.Option("--idle-s", min=0.0, help="Seconds of quiet room for idle CPU (0: skip)."),
    ] = 8.0,
    no_aec: Annotated[
        bool, typer.Option("--no-aec", help="Run without echo cancellation (shows what it buys).")
    ] = False,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="Also run every scenario with this setting changed, interleaved "
            "(section.key=value, e.g. conversation.speculative_replies=true; several "
            "joined by ';' change together; repeatable: one variant each).",
        ),
    ] = None,
    load: Annotated[
        str,
        typer.Option(
            "--load",
            help="Busy processes beside each run, as other programs would be: N, or levels "
            "joined by ',' (0,1) run interleaved, so loaded and unloaded are compared in one run.",
        ),
    ] = "0",
    device: Annotated[
        str,
        typer.Option(
            "--device",
            help="Where the calls run: virtual (simulated devices), jack (a JACK dummy server: "
            "a sound card that keeps real time, through PortAudio), or virtual,jack "
            "interleaved.",
        ),
    ] = "virtual",
    pace: Annotated[
        str,
        typer.Option(
            "--pace",
            help="The caller's waits after a reply, in seconds, taken in turn (5,15,30,45): "
            "the scenarios as written, at a caller's own pace (a long call at 20 minutes).",
        ),
    ] = "",
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
        corpus=corpus or [],
        vary=vary or [],
        load=load,
        device=device,
        pace=pace,
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
    from voicecli.userpaths import check_input_file, check_output_file

    check_input_file(log, "report", "a .jsonl session log or bench trace")
    if plot is not None:
        check_output_file(plot, "--plot", overwrite=True, inputs=[("the log", log)])
    summary = read_log(log)
    print_summary(summary, console)
    if plot is not None:
        plot_summary(summary, plot)
        console.print(f"wrote {plot}")


def run_cli(args: list[str]) -> int:
    """Run the app on `args`; return the exit code. Every failure is one line on stderr and
    a conventional exit code (1 error, 2 usage, 130 Ctrl-C); an unexpected one also leaves a
    crash report."""
    try:
        code = app(args, prog_name="voicecli", standalone_mode=False)
        code = code if isinstance(code, int) else 0
    except VoicecliError as err:
        fail(str(err))
        return err.exit_code
    except typer.TyperException as err:  # Typer's own command-line errors: bad options, …
        return _typer_error(err)
    except (KeyboardInterrupt, typer.Abort):
        code = 130
    except Exception as err:  # a bug: one line here, the traceback in a crash report
        from voicecli.crash import write_crash_report

        report = write_crash_report(err, args)
        fail(f"internal error ({type(err).__name__}: {err}); this is a bug — report {report}")
        return 1
    if code == 130:
        err_console.print("interrupted (Ctrl-C)", highlight=False)
    return code


def _typer_error(err: typer.TyperException) -> int:
    """A usage error (exit 2) names the command whose --help tells more; others say what."""
    message = err.format_message() if hasattr(err, "format_message") else str(err)
    code = getattr(err, "exit_code", 1)
    ctx = getattr(err, "ctx", None)
    if code == 2:
        command = ctx.command_path if ctx is not None else "voicecli"
        fail(f"{message.rstrip('.')}; see `{command} --help`")
    else:
        fail(message)
    return code


def fail(message: str) -> None:
    """One line on stderr: what is wrong, where, and the fix."""
    one_line = " ".join(part.strip() for part in message.splitlines())
    err_console.print(Text.assemble(("error: ", "bold red"), one_line), soft_wrap=True)
