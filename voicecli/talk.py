"""`voicecli talk`: check the devices, load the models, build the conversation, run it.

Live mode uses the sound card (sounddevice). File mode (`--input in.wav`) runs the very same
pipeline on virtual devices paced in real time and can record the exchange as a stereo WAV:
left what the microphone heard, right what the agent played. A terminal gets the live panel,
anything else one line per event; every event goes to the session log as it happens. The parts
are built in voicecli/wiring.py and run by voicecli/conversation.py.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from rich.console import Console

from voicecli.audio.wavfile import write_wav
from voicecli.audioformat import CAPTURE_RATE
from voicecli.config import Config
from voicecli.conversation import Conversation, TalkResult
from voicecli.errors import VoicecliError
from voicecli.sessionlog import open_default_log, open_named_log
from voicecli.trace import TraceWriter
from voicecli.ui.live import LivePanel
from voicecli.ui.plain import PlainPrinter, timing_line
from voicecli.userpaths import write_atomically
from voicecli.wiring import Engines, TalkOptions, build_conversation

PIPER_RATE = 22050  # the voices' rate; the engine says the real one once it is loaded


def run_talk(config: Config, options: TalkOptions, console: Console) -> TalkResult:
    """The `voicecli talk` command: check the devices, open the session log, load models,
    converse, write the recording. Ctrl-C ends it cleanly with `result.interrupted` set."""
    if options.input is None:  # fail fast, before the models load, when there is no sound card
        from voicecli.audio.devices import choose_output_rate, resolve_input

        resolve_input(options.input_device, CAPTURE_RATE)
        choose_output_rate(options.output_device, PIPER_RATE)
    trace = open_log(config, options)
    started = False
    plain = options.plain or not console.is_terminal
    try:
        if plain:
            console.print("loading models…")
        with contextlib.nullcontext() if plain else console.status("loading models…"):
            engines = Engines.load(config, mirror=options.mirror)
        conversation = build_conversation(config, engines, options)
        if trace is not None:
            console.print(f"session log: {trace.path}", highlight=False)
        started = True
        result = run_conversation(conversation, options, console, trace)
    except KeyboardInterrupt:  # during model loading: nothing to keep
        result = TalkResult(interrupted=True)
    finally:
        if trace is not None:
            trace.close()
            if not started:
                trace.path.unlink(missing_ok=True)  # no session began: no empty log left behind
    if options.output is not None and result.recorded is not None:
        recording = result.recorded.stereo
        write_atomically(options.output, lambda p: write_wav(p, recording, CAPTURE_RATE, "WAV"))
        console.print(f"wrote {options.output} (left: microphone, right: agent)")
    if result.error:
        raise VoicecliError(f"the conversation stopped: {result.error}")
    if result.interrupted and trace is not None and started:
        console.print(f"session log: {trace.path}", highlight=False)
    return result


def run_conversation(
    conversation: Conversation, options: TalkOptions, console: Console, trace: TraceWriter | None
) -> TalkResult:
    """The conversation with the live panel in a terminal, one line per event otherwise."""
    plain = options.plain or not console.is_terminal
    if plain:
        if options.input is None:
            console.print("listening — speak now (Ctrl-C to stop)")
        return conversation.run(PlainPrinter(console.file), trace)
    with LivePanel(console) as panel:
        result = conversation.run(panel, trace)
    for timings in result.timings:
        console.print(timing_line(timings), highlight=False)
    return result


def open_log(config: Config, options: TalkOptions) -> TraceWriter | None:
    """This session's log: the file the user named, or a new one in [session] log_dir."""
    if not options.write_log:
        return None
    if options.log is not None:
        return open_named_log(options.log, options.overwrite)
    return open_default_log(Path(config.session.log_dir).expanduser())
