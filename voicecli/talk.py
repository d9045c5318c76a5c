"""`voicecli talk`: wire the engines, rings, devices and stages into one conversation, run it.

Live mode uses the sound card (sounddevice). File mode (`--input in.wav`) runs the very same
pipeline on virtual devices paced in real time and can record the exchange as a stereo WAV:
left what the microphone heard, right what the agent played. A terminal gets the live panel,
anything else one line per event; every event goes to the session log as it happens.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rich.console import Console

from voicecli.audio.io import AudioIO
from voicecli.audio.playout import PlayoutRing
from voicecli.audio.ring import SampleRing
from voicecli.audio.virtual import FileSignal, MicSignal, VirtualIO
from voicecli.audio.wavfile import read_wav, write_wav
from voicecli.bus import EventBus
from voicecli.config import Config
from voicecli.core.mode import Pipeline
from voicecli.engines.aec import SpeexAec
from voicecli.engines.llm import LlamaEngine
from voicecli.engines.loader import EngineLoader
from voicecli.engines.stt import WhisperEngine
from voicecli.engines.tts import PiperEngine
from voicecli.engines.vad import SileroVad
from voicecli.errors import VoicecliError
from voicecli.events import (
    DeviceStats,
    Event,
    SessionEnded,
    SessionStarted,
    StageError,
    StateChanged,
    TurnTimings,
    VadFrame,
)
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.listener import Listener
from voicecli.pipeline.responder import Responder
from voicecli.pipeline.session import Session
from voicecli.pipeline.speaker import Speaker
from voicecli.pipeline.toolrunner import ToolRunner
from voicecli.pipeline.transcriber import Transcriber
from voicecli.policy.speakable import speakable
from voicecli.sessionlog import open_default_log, open_named_log
from voicecli.terms import State
from voicecli.tools.orders import OrderStore
from voicecli.trace import TraceWriter
from voicecli.ui.live import LivePanel
from voicecli.ui.plain import PlainPrinter, timing_line
from voicecli.userpaths import write_atomically

IN_RATE = 16000
PIPER_RATE = 22050  # the voices' rate; the engine says the real one once it is loaded
IDLE_TAIL_S = 1.0
REPLY_ALLOWANCE_S = 90.0


@dataclass
class Engines:
    """The loaded models; the LLM is absent in Voice Mirror mode."""

    vad: SileroVad
    stt: WhisperEngine
    tts: PiperEngine
    llm: LlamaEngine | None

    @classmethod
    def load(cls, config: Config, mirror: bool = False) -> Engines:
        loader = EngineLoader(config)
        return cls(loader.vad(), loader.stt(), loader.tts(), None if mirror else loader.llm())


@dataclass
class TalkOptions:
    """How to run: live devices or a file, Voice Mirror, where to write things."""

    input: Path | None = None
    output: Path | None = None
    input_device: str | None = None
    output_device: str | None = None
    mirror: bool = False
    log: Path | None = None  # the session log the user named (default: a new file)
    write_log: bool = False  # run_talk writes a session log (`voicecli talk` does by default)
    overwrite: bool = False  # replace an existing --output or --log
    max_seconds: float | None = None
    pipeline: Pipeline = Pipeline.STREAMING
    aec: bool = True
    plain: bool = False
    orders: OrderStore | None = None  # default: the store in config.toml [tools]


@dataclass
class TalkResult:
    """What a run produced."""

    events: list[Event] = field(default_factory=list)
    timings: list[TurnTimings] = field(default_factory=list)
    recording: np.ndarray | None = None
    mic: np.ndarray | None = None
    played: np.ndarray | None = None
    out_rate: int = 0
    t0: float = 0.0
    error: str = ""
    interrupted: bool = False  # Ctrl-C ended the session
    threads: list[threading.Thread] = field(default_factory=list)


class Conversation:
    """One talk session: builds every part, runs until the input ends or Ctrl-C, tears down."""

    def __init__(
        self,
        config: Config,
        engines: Engines,
        options: TalkOptions,
        mic: MicSignal | None = None,
    ) -> None:
        self.config = config
        self.engines = engines
        self.options = options
        self.clock = time.monotonic
        self.bus = EventBus(self.clock)
        self.generation = Generation()
        audio = config.audio
        self.capture = SampleRing(int(audio.capture_seconds * IN_RATE))
        self.clean = SampleRing(int(audio.capture_seconds * IN_RATE))
        self.far = SampleRing(int(audio.capture_seconds * IN_RATE))  # what the speaker played
        block_s = audio.block_ms / 1000.0
        if options.input is not None or mic is not None:
            if mic is None:
                signal = read_wav(options.input, IN_RATE) if options.input else np.zeros(0)
                mic = FileSignal(signal)
            out_rate = engines.tts.sample_rate
            self.playout = PlayoutRing(int(audio.playout_seconds * out_rate), out_rate)
            self.io: AudioIO = VirtualIO(
                self.capture, self.playout, mic, self.clock, IN_RATE, block_s, far=self.far
            )
            self.source_s = mic.signal.size / IN_RATE if isinstance(mic, FileSignal) else 0.0
        else:
            from voicecli.audio.devices import DeviceIO, choose_output_rate, resolve_input

            input_device = resolve_input(options.input_device, IN_RATE)
            output_device, out_rate = choose_output_rate(
                options.output_device, engines.tts.sample_rate
            )
            self.playout = PlayoutRing(int(audio.playout_seconds * out_rate), out_rate)
            self.io = DeviceIO(
                self.capture,
                self.playout,
                input_device,
                output_device,
                self.clock,
                IN_RATE,
                block_s,
                far=self.far,
            )
            self.source_s = float("inf")
        orders = options.orders or open_orders(config)
        self.session = Session(
            self.bus,
            config,
            self.playout,
            self.generation,
            self.io.in_time,
            self.io.out_time,
            mirror=options.mirror,
            pipeline=options.pipeline,
            aec=config.aec.enabled and options.aec,
            order_ids=orders.order_ids,
            knowledge=orders.knowledge(),
        )
        self.stages = [
            Listener(
                self.bus,
                self.capture,
                self.far,
                self.clean,
                engines.vad,
                config.speech,
                SpeexAec(config.aec) if config.aec.enabled and options.aec else None,
                config.interrupt,
                step=config.aec.frame_samples(IN_RATE),
                caller_level=config.caller_level,
            ),
            Transcriber(
                self.bus,
                self.clean,
                engines.stt,
                config.transcriber,
                config.hallucination,
                options.pipeline,
                config.speech.release,
            ),
            self.session,
            Responder(
                self.bus,
                engines.llm,
                self.generation,
                config.flush,
                warm_messages=self.session.history.messages(),
                pipeline=options.pipeline,
                tools=config.tools,
            ),
            Speaker(
                self.bus,
                engines.tts,
                self.playout,
                self.generation,
                prepared=(speakable(config.tools.ack_text),),
            ),
            ToolRunner(self.bus, orders),
        ]

    def run(
        self,
        on_event: Callable[[Event, float], None] | None = None,
        trace: TraceWriter | None = None,
    ) -> TalkResult:
        """Run to the end of the input (file mode) or Ctrl-C; always tears everything down.
        Every event goes to `trace` (the session log) as it happens. A stage that fails ends
        the run with `result.error` set."""
        watch = self.bus.subscribe(None, "talk")
        result = TalkResult()
        for stage in self.stages:
            stage.start()
        io = self.io
        io.start()
        t0 = io.t0 if isinstance(io, VirtualIO) else self.clock()  # virtual: sample 0 of both
        result.t0 = t0
        result.out_rate = self.playout.rate
        models = self.config.models
        self.bus.publish(
            SessionStarted(
                self.clock(),
                "mirror" if self.options.mirror else self.options.pipeline.value,
                {
                    "vad": models.vad,
                    "stt": models.stt,
                    "tts": models.tts,
                    "llm": "" if self.options.mirror else models.llm,
                },
                IN_RATE,
                self.playout.rate,
                t0,
            )
        )
        state = State.LISTENING
        idle_since = self.clock()
        deadline = self.clock() + (self.options.max_seconds or self.source_s + REPLY_ALLOWANCE_S)
        reason = "end of input"
        try:
            while True:
                event = watch.get(timeout=0.05)
                if event is not None:
                    if not isinstance(event, VadFrame):
                        result.events.append(event)
                    if trace is not None:
                        trace.write(event, t0)
                    if on_event is not None:
                        on_event(event, t0)
                    if isinstance(event, StateChanged):
                        state = event.state
                        idle_since = self.clock()
                    elif isinstance(event, TurnTimings):
                        result.timings.append(event)
                    elif isinstance(event, StageError):
                        result.error = f"{event.stage}: {event.message}"
                        reason = "error"
                        break
                now = self.clock()
                if (
                    io.input_done.is_set()
                    and state is State.LISTENING
                    and now - idle_since >= IDLE_TAIL_S
                ):
                    break
                if now > deadline:
                    reason = "time limit"
                    break
        except KeyboardInterrupt:
            reason = "interrupted"
            result.interrupted = True
        finally:
            overruns, underruns = io.stats()
            for event in (
                DeviceStats(self.clock(), overruns, underruns),
                SessionEnded(self.clock(), reason),
            ):
                result.events.append(event)
                if trace is not None:
                    trace.write(event, t0)
                if on_event is not None:
                    on_event(event, t0)
            self.shutdown()
            if isinstance(io, VirtualIO):
                result.recording = io.recording()
                result.mic = io.mic()
                result.played = io.played()
            result.threads = [s for s in self.stages if s.is_alive()]
        return result

    def shutdown(self) -> None:
        """Stop devices first, then every stage; join them all."""
        self.io.stop()
        self.capture.close()
        self.clean.close()
        self.far.close()
        self.playout.close()
        self.generation.bump()
        for stage in self.stages:
            stage.stop()
        self.bus.close()
        for stage in self.stages:
            stage.join(timeout=10.0)


def run_talk(config: Config, options: TalkOptions, console: Console) -> TalkResult:
    """The `voicecli talk` command: check the devices, open the session log, load models,
    converse, write the recording. Ctrl-C ends it cleanly with `result.interrupted` set."""
    if options.input is None:  # fail fast, before the models load, when there is no sound card
        from voicecli.audio.devices import choose_output_rate, resolve_input

        resolve_input(options.input_device, IN_RATE)
        choose_output_rate(options.output_device, PIPER_RATE)
    trace = open_log(config, options)
    started = False
    plain = options.plain or not console.is_terminal
    try:
        if plain:
            console.print("loading models…")
        with contextlib.nullcontext() if plain else console.status("loading models…"):
            engines = Engines.load(config, mirror=options.mirror)
        conversation = Conversation(config, engines, options)
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
    if options.output is not None and result.recording is not None:
        recording = result.recording
        write_atomically(options.output, lambda p: write_wav(p, recording, IN_RATE, "WAV"))
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


def open_orders(config: Config) -> OrderStore:
    """The configured order store, created with the sample orders on first use."""
    path = Path(config.tools.orders_db).expanduser()
    if not path.is_absolute() and config.source is not None:
        path = config.source.parent / path
    return OrderStore.with_sample(path)
