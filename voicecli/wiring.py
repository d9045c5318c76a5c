"""The composition root: build one conversation from the config, the loaded models and the mode.

This is the one place that knows which mode it builds. The streaming product, the naive
cascade and Voice Mirror differ only in what is built here: the core's `CoreMode`
(core/mode.py), the transcriber (streaming passes, or the cascade's one decode of the whole
turn) and the responder's reply writer (the LLM clause by clause, the whole reply, or the
caller's own words). The stages never ask which mode they are in.

Devices: a file or a given signal (`mic`) plays on clock-paced virtual devices; otherwise the
sound card. Either way the runner gets an `AudioIO` and nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from voicecli.audio.io import AudioIO
from voicecli.audio.playout import PlayoutRing
from voicecli.audio.ring import SampleRing
from voicecli.audio.virtual import FileSignal, MicSignal, VirtualIO
from voicecli.audio.wavfile import read_wav
from voicecli.audioformat import CAPTURE_RATE
from voicecli.bus import EventBus
from voicecli.config import Config, ConversationConfig
from voicecli.conversation import Conversation, Rings
from voicecli.core.mode import Pipeline, core_mode
from voicecli.cpumeter import CpuMeter
from voicecli.engines.aec import SpeexAec
from voicecli.engines.llm import LlamaEngine
from voicecli.engines.loader import EngineLoader
from voicecli.engines.reserve import reserve_memory
from voicecli.engines.stt import WhisperEngine
from voicecli.engines.tts import PiperEngine, split_sentences
from voicecli.engines.vad import SileroVad
from voicecli.gilswitch import set_switch_interval
from voicecli.heap import set_mmap_threshold
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.listener import Listener
from voicecli.pipeline.responder import Responder
from voicecli.pipeline.session import Session
from voicecli.pipeline.speaker import Speaker
from voicecli.pipeline.stage import Stage
from voicecli.pipeline.toolrunner import ToolRunner
from voicecli.pipeline.transcriber import Transcriber, WholeTurnTranscriber
from voicecli.pipeline.writers import EchoWriter, ModelWriter, Release, ReplyWriter, WholeReply
from voicecli.policy.clauses import ClauseFlusher, cut_whole
from voicecli.policy.commitrules import CommitRules
from voicecli.policy.lateack import LateAckRule
from voicecli.policy.speakable import speakable
from voicecli.tools.orders import OrderStore


@dataclass
class Engines:
    """The loaded models; the LLM is absent in Voice Mirror mode."""

    vad: SileroVad
    stt: WhisperEngine
    tts: PiperEngine
    llm: LlamaEngine | None

    @classmethod
    def load(cls, config: Config, mirror: bool = False) -> Engines:
        """Load every engine; Whisper and Piper take their working memory (engines/reserve.py)
        on a thread of their own while the LLM loads (and, with `[llm] reserve_tokens`, takes
        its own: a long prompt, forgotten), so the call does not grow into it."""
        loader = EngineLoader(config)
        stt, tts = loader.stt(), loader.tts()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reserve") as pool:
            reserved = pool.submit(reserve_memory, stt, tts, config.transcriber.max_window_s)
            llm = None if mirror else loader.llm()
            if llm is not None:
                llm.reserve_memory(config.llm.reserve_tokens)
            reserved.result()
        return cls(loader.vad(), stt, tts, llm)


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


def build_conversation(
    config: Config, engines: Engines, options: TalkOptions, mic: MicSignal | None = None
) -> Conversation:
    """Every part of one conversation, wired for the mode in `options`, ready to run."""
    set_mmap_threshold(config.session.mmap_threshold_kb)  # a bench variant's, for its runs
    set_switch_interval(config.session.switch_interval_ms)
    clock = time.monotonic
    bus = EventBus(clock)
    generation = Generation()
    audio = config.audio
    size = int(audio.capture_seconds * CAPTURE_RATE)
    rings = Rings(SampleRing(size), SampleRing(size), SampleRing(size))
    if mic is None and options.input is not None:
        mic = FileSignal(read_wav(options.input, CAPTURE_RATE))
    out_rate = engines.tts.sample_rate
    block_s = audio.block_ms / 1000.0
    if mic is not None:
        playout = PlayoutRing(int(audio.playout_seconds * out_rate), out_rate)
        io: AudioIO = VirtualIO(
            rings.capture, playout, mic, clock, CAPTURE_RATE, block_s, far=rings.far
        )
    else:
        io, playout = open_sound_card(config, options, rings, out_rate, clock)
    aec = config.aec.enabled and options.aec
    orders = options.orders or open_orders(config)
    planner = CommitRules(orders.order_ids, orders.knowledge())
    mode = core_mode(config, options.pipeline, planner, mirror=options.mirror)
    session = Session(bus, config, playout, generation, io.in_time, io.out_time, mode, aec=aec)
    cascade = options.pipeline is Pipeline.CASCADE  # the naive baseline: no acknowledgement
    talk = config.conversation
    transcriber = WholeTurnTranscriber if cascade else Transcriber
    speaker = Speaker(
        bus,
        engines.tts,
        playout,
        generation,
        prepared=(speakable(config.tools.ack_text), speakable(talk.late_ack_text)),
        trim_first_lead_in=config.tts.trim_first_lead_in,
    )
    stages: list[Stage] = [
        Listener(
            bus,
            rings.capture,
            rings.far,
            rings.clean,
            engines.vad,
            config.speech,
            SpeexAec(config.aec) if aec else None,
            config.interrupt,
            step=config.aec.frame_samples(CAPTURE_RATE),
            caller_level=config.caller_level,
            wake_per_vad_frame=config.audio.wake_per_vad_frame,
            floor_margin_db=config.vad.floor_margin_db,
        ),
        transcriber(bus, rings.clean, engines.stt, config.transcriber, config.hallucination),
        session,
        Responder(
            bus,
            reply_writer(config, engines, options, speaker.voiced),
            generation,
            warm_messages=session.history.messages(),
            tools=config.tools,
            late_ack=(late_ack_rule(talk, cascade), talk.late_ack_text),
            others_busy=CpuMeter().others_busy,
            cut=fixed_reply_cut(config, cascade),
        ),
        speaker,
        ToolRunner(bus, orders),
    ]
    models = config.models
    return Conversation(
        bus=bus,
        io=io,
        playout=playout,
        rings=rings,
        generation=generation,
        stages=stages,
        mode=mode.name,
        models={
            "vad": models.vad,
            "stt": models.stt,
            "tts": models.tts,
            "llm": "" if options.mirror else models.llm,
        },
        max_seconds=options.max_seconds,
    )


def late_ack_rule(talk: ConversationConfig, cascade: bool) -> LateAckRule:
    """When a late reply is acknowledged; the naive cascade (the baseline) never does."""
    if cascade:
        return LateAckRule(0.0, 0.0, 0.0)
    return LateAckRule(talk.late_ack_after_s, talk.late_ack_busy_after_s, talk.late_ack_busy_cores)


def fixed_reply_cut(config: Config, cascade: bool) -> Callable[[str], list[str]]:
    """How a reply known whole is cut for the voice: as a streamed reply of the same words
    (a short first piece); the naive cascade (the baseline) says it sentence by sentence, and
    so does a config that turns `[flush] cut_known_replies` off."""
    if cascade or not config.flush.cut_known_replies:
        return split_sentences
    return partial(cut_whole, rules=config.flush)


def reply_writer(
    config: Config, engines: Engines, options: TalkOptions, voiced: Callable[[], int]
) -> ReplyWriter:
    """Where replies come from (the LLM, or the caller's words) and when they are spoken
    (`voiced`: the pieces the voice has finished with; while it has more, the model leaves it
    a core)."""

    def release() -> Release:
        if options.pipeline is Pipeline.CASCADE:
            return WholeReply()
        return ClauseFlusher(config.flush)

    if options.mirror or engines.llm is None:
        return EchoWriter(release)
    return ModelWriter(engines.llm, release, voiced, config.llm.reply_head_pieces)


def open_sound_card(
    config: Config,
    options: TalkOptions,
    rings: Rings,
    preferred_rate: int,
    clock: Callable[[], float],
) -> tuple[AudioIO, PlayoutRing]:
    """The sound card's input and output streams, at an output rate the device takes."""
    from voicecli.audio.devices import DeviceIO, choose_output_rate, resolve_input

    audio = config.audio
    input_device, in_rate = resolve_input(options.input_device, CAPTURE_RATE)
    output_device, out_rate = choose_output_rate(options.output_device, preferred_rate)
    playout = PlayoutRing(int(audio.playout_seconds * out_rate), out_rate)
    io = DeviceIO(
        rings.capture,
        playout,
        input_device,
        output_device,
        clock,
        in_rate,
        audio.block_ms / 1000.0,
        far=rings.far,
    )
    return io, playout


def open_orders(config: Config) -> OrderStore:
    """The configured order store, created with the sample orders on first use."""
    path = Path(config.tools.orders_db).expanduser()
    if not path.is_absolute() and config.source is not None:
        path = config.source.parent / path
    return OrderStore.with_sample(path)
