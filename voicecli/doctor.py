"""`voicecli doctor`: load every engine, run each once on a bundled sample, report a table."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from voicecli.audio.levels import erle_db
from voicecli.audio.wavfile import read_wav, resample, to_float32, to_int16
from voicecli.audioformat import CAPTURE_RATE
from voicecli.config import Config
from voicecli.engines.aec import SpeexAec
from voicecli.engines.loader import EngineLoader
from voicecli.engines.vad import speech_span
from voicecli.errors import VoicecliError

DOCTOR_SENTENCE = "Hello, I am voicecli, and everything here runs offline on this laptop."
DOCTOR_QUESTION = "In one short sentence: what colour is the sky on a clear day?"
ECHO_DELAY_MS = 40.0
ECHO_GAIN_DB = -6.0
AEC_SETTLE_S = 4.0


def echo_reduction(
    aec: SpeexAec, far: np.ndarray, delay_ms: float, gain_db: float, settle_s: float = 1.0
) -> float:
    """ERLE in dB on a plain echo of float32 16 kHz `far` (delayed and attenuated, no room:
    a check that the canceller works, not a simulation), after `settle_s` of adaptation."""
    delay = round(aec.sample_rate * delay_ms / 1000.0)
    echo = np.zeros(far.size, dtype=np.float32)
    echo[delay:] = far[: far.size - delay] * np.float32(10.0 ** (gain_db / 20.0))
    aec.reset()
    out = to_float32(aec.process_signal(to_int16(echo), to_int16(far)))
    settled = slice(int(settle_s * aec.sample_rate), out.size)
    return erle_db(echo[settled], out[settled])


def sample_path(name: str) -> Path:
    """A file bundled under voicecli/samples/."""
    return Path(str(resources.files("voicecli") / "samples" / name))


@dataclass
class DoctorRow:
    """One engine's outcome."""

    engine: str
    model: str
    load_ms: float = 0.0
    run_ms: float = 0.0
    result: str = ""
    ok: bool = False


def _timed(action: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    value = action()
    return value, (time.perf_counter() - started) * 1000.0


class Doctor:
    """Runs each engine on the sample; a failure is reported in its row, not raised."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.loader = EngineLoader(config)
        self.caller = read_wav(sample_path("caller.wav"), CAPTURE_RATE)
        self.speech: np.ndarray | None = None

    def rows(self) -> list[DoctorRow]:
        m = self.config.models
        checks = [
            ("VAD", m.vad, self.check_vad),
            ("STT", m.stt, self.check_stt),
            ("LLM", m.llm, self.check_llm),
            ("TTS", m.tts, self.check_tts),
            ("AEC", "libspeexdsp", self.check_aec),
        ]
        rows = []
        for engine, model, check in checks:
            row = DoctorRow(engine, model)
            try:
                check(row)
            except VoicecliError as err:
                row.result = str(err)
            except Exception as err:  # report any engine failure in its row
                row.result = f"{type(err).__name__}: {err}"
            rows.append(row)
        return rows

    def check_vad(self, row: DoctorRow) -> None:
        vad, row.load_ms = _timed(self.loader.vad)
        probs, row.run_ms = _timed(lambda: vad.probabilities(self.caller))
        span = speech_span(probs)
        row.ok = span is not None
        row.result = f"speech {span[0]:.2f}-{span[1]:.2f} s" if span else "no speech found"

    def check_stt(self, row: DoctorRow) -> None:
        stt, row.load_ms = _timed(self.loader.stt)
        transcript, row.run_ms = _timed(lambda: stt.transcribe(self.caller))
        row.ok = bool(transcript.text)
        row.result = f'"{transcript.text}" ({transcript.window} window)'

    def check_llm(self, row: DoctorRow) -> None:
        llm, row.load_ms = _timed(self.loader.llm)
        messages = [
            {"role": "system", "content": self.config.llm.system_prompt},
            {"role": "user", "content": DOCTOR_QUESTION},
        ]
        reply, row.run_ms = _timed(lambda: llm.reply(messages, max_tokens=24))
        words = str(reply).split()
        row.ok = bool(words)
        row.result = (
            f'"{" ".join(words[:8])}{"…" if len(words) > 8 else ""}" '
            f"(first token {llm.stats.first_token_ms:.0f} ms)"
        )

    def check_tts(self, row: DoctorRow) -> None:
        tts, row.load_ms = _timed(self.loader.tts)
        audio, row.run_ms = _timed(lambda: tts.speak(DOCTOR_SENTENCE))
        assert isinstance(audio, np.ndarray)
        self.speech = resample(audio, tts.sample_rate, CAPTURE_RATE)
        row.ok = audio.size > 0
        row.result = f"synthesized {audio.size / tts.sample_rate * 1000:.0f} ms of speech"

    def check_aec(self, row: DoctorRow) -> None:
        aec, row.load_ms = _timed(self.loader.aec)
        speech = self.speech if self.speech is not None else self.caller
        repeats = int(np.ceil(2 * AEC_SETTLE_S * CAPTURE_RATE / speech.size))
        far = np.tile(speech, repeats)  # the canceller adapts for AEC_SETTLE_S, then is measured
        erle, row.run_ms = _timed(
            lambda: echo_reduction(aec, far, ECHO_DELAY_MS, ECHO_GAIN_DB, settle_s=AEC_SETTLE_S)
        )
        assert isinstance(erle, float)
        row.ok = erle >= 15.0
        row.result = (
            f"ERLE {erle:.1f} dB (echo {ECHO_DELAY_MS:.0f} ms, {ECHO_GAIN_DB:.0f} dB, "
            f"after {AEC_SETTLE_S:.0f} s)"
        )


def run_doctor(config: Config, console: Console) -> bool:
    """Print the doctor table; True when every engine is OK."""
    rows = Doctor(config).rows()
    table = Table(title="voicecli doctor")
    for column in ("engine", "model", "load ms", "run ms", "result", "status"):
        table.add_column(column, overflow="fold")
    for r in rows:
        status = "[green]OK[/]" if r.ok else "[red]FAIL[/]"
        table.add_row(r.engine, r.model, f"{r.load_ms:.0f}", f"{r.run_ms:.0f}", r.result, status)
    console.print(table)
    return all(r.ok for r in rows)
