"""Build each engine from the configured model in the store (one place that maps roles)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from voicecli.config import Config
from voicecli.cpumeter import CpuMeter, allowed_cores
from voicecli.engines.aec import SpeexAec
from voicecli.engines.llm import LlamaEngine
from voicecli.engines.stt import WhisperEngine
from voicecli.engines.tts import PiperEngine
from voicecli.engines.turnend import SmartTurn
from voicecli.engines.vad import SileroVad
from voicecli.heap import set_mmap_threshold
from voicecli.modelstore import ModelStore
from voicecli.policy.threadchoice import WHISPER_LEAST, stage_threads, threads_for


class EngineLoader:
    """Loads engines for the models config.toml assigns to each role."""

    def __init__(self, config: Config, store: ModelStore | None = None) -> None:
        self.config = config
        self.store = store or ModelStore(config.store_path())
        set_mmap_threshold(config.session.mmap_threshold_kb)  # before any engine allocates

    def vad(self) -> SileroVad:
        return SileroVad(self.store.require(self.config.models.vad), self.config.vad.threads)

    def turn_end(self) -> SmartTurn:
        return SmartTurn(self.store.require(self.config.models.turn))

    def stt(self) -> WhisperEngine:
        config = self.config.stt
        threads = stage_threads(config.threads, allowed_cores(), least=WHISPER_LEAST)
        config = dataclasses.replace(config, threads=threads)
        return WhisperEngine(self.store.require(self.config.models.stt), config)

    def llm(self) -> LlamaEngine:
        config = self.config.llm
        config = dataclasses.replace(config, threads=stage_threads(config.threads, allowed_cores()))
        prompt_most, head_most = config.reply_prompt_threads, config.reply_head_threads
        wants_prompt, wants_head = prompt_most > config.threads, head_most > config.threads
        wants_prefill = config.prefill_threads > config.threads
        wanted = config.adapt_threads or wants_prompt or wants_head or wants_prefill
        meter = CpuMeter() if wanted else None

        def free_threads(most: int) -> Callable[[], int]:
            """Threads up to `most`, as many as the cores other programs leave free."""
            assert meter is not None
            return lambda: threads_for(meter.cores, meter.others_busy(), most)

        choice = free_threads(config.threads) if config.adapt_threads else None
        prompt_threads = free_threads(prompt_most) if wants_prompt else None  # a reply's prompt
        head_threads = free_threads(head_most) if wants_head else None  # its first piece
        prefill = free_threads(config.prefill_threads) if wants_prefill else None
        model = self.store.require(self.config.models.llm)
        return LlamaEngine(model, config, choice, prompt_threads, head_threads, prefill)

    def tts(self) -> PiperEngine:
        return PiperEngine(self.store.require(self.config.models.tts), self.config.tts)

    def aec(self) -> SpeexAec:
        return SpeexAec(self.config.aec)
