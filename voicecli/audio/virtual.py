"""Virtual microphone and speaker, paced in real time by the one clock.

The microphone plays a prepared 16 kHz signal (a WAV file, or the bench's simulated caller);
the speaker drains the playout ring at its real rate, records what it played, and hands the
same samples (at 16 kHz) to the echo canceller's far-end ring. Both advance
one block per block period, so sample k of either stream happens at `t0 + k / rate` exactly:
the same timeline a sound card would give, without one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

import numpy as np
import soxr

from voicecli.audio.io import Recorded
from voicecli.audio.playout import PlayoutRing
from voicecli.audio.recording import GrowingRecording
from voicecli.audio.ring import SampleRing
from voicecli.audio.wavfile import resample
from voicecli.audioformat import CAPTURE_RATE


class MicSignal(Protocol):
    """What the virtual microphone hears."""

    def read(self, start: int, count: int, played: np.ndarray) -> np.ndarray:
        """Mic samples [start, start + count), given the speaker block just played."""
        ...

    def finished(self, next_sample: int) -> bool:
        """True once nothing more will be said from `next_sample` on."""
        ...

    def duration_s(self) -> float:
        """How long it is known to speak for (0: only known as it goes)."""
        ...


class FileSignal:
    """A microphone that plays a fixed signal, then silence."""

    def __init__(self, signal: np.ndarray) -> None:
        self.signal = signal.astype(np.float32, copy=False)

    def read(self, start: int, count: int, played: np.ndarray) -> np.ndarray:
        block = np.zeros(count, dtype=np.float32)
        part = self.signal[start : start + count]
        block[: part.size] = part
        return block

    def finished(self, next_sample: int) -> bool:
        return next_sample >= self.signal.size

    def duration_s(self) -> float:
        return self.signal.size / CAPTURE_RATE


class VirtualIO:
    """Clock-paced virtual devices feeding the capture ring and draining the playout ring."""

    def __init__(
        self,
        capture: SampleRing,
        playout: PlayoutRing,
        source: MicSignal,
        clock: Callable[[], float] = time.monotonic,
        in_rate: int = CAPTURE_RATE,
        block_s: float = 0.02,
        record: bool = True,
        far: SampleRing | None = None,
    ) -> None:
        self.capture = capture
        self.playout = playout
        self.source = source
        self.clock = clock
        self.in_rate = in_rate
        self.out_rate = playout.rate
        self.block_s = block_s
        self.record = record
        self.far = far
        self._far_resampler = soxr.ResampleStream(
            self.out_rate, in_rate, 1, dtype="float32", quality="QQ"
        )  # the reference must not lag: QQ holds back 1 sample, HQ 500
        self.started_at = 0.0
        self.input_done = threading.Event()
        self._stop = threading.Event()
        self._mic = GrowingRecording(in_rate)
        self._speaker = GrowingRecording(self.out_rate)
        self._thread = threading.Thread(target=self._run, name="virtual-io", daemon=True)
        self.late_blocks = 0

    def start(self) -> None:
        self.started_at = self.clock()
        self._thread.start()

    @property
    def t0(self) -> float:
        """Sample 0 of both streams."""
        return self.started_at

    @property
    def input_seconds(self) -> float:
        return self.source.duration_s()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.capture.close()

    def in_time(self, sample: int) -> float:
        return self.t0 + sample / self.in_rate

    def out_time(self, device_sample: int) -> float:
        return self.t0 + device_sample / self.out_rate

    def _block_bounds(self, block: int, rate: int) -> tuple[int, int]:
        """Samples [first, end) of device block `block` at `rate`. Blocks are not all the same
        size when a block is not a whole number of samples (22050 Hz × 10 ms = 220.5): the
        count alternates so the stream never drifts from the clock (or from the other stream)."""
        return round(block * rate * self.block_s), round((block + 1) * rate * self.block_s)

    def _run(self) -> None:
        block = 0
        while not self._stop.is_set():
            deadline = self.t0 + block * self.block_s
            wait = deadline - self.clock()
            if wait > 0:
                time.sleep(wait)  # pacing to real time, not synchronisation
            elif wait < -self.block_s:
                self.late_blocks += 1
            out_first, out_end = self._block_bounds(block, self.out_rate)
            out = np.zeros(out_end - out_first, dtype=np.float32)
            self.playout.read_into(out)
            if self.far is not None:  # the echo canceller's reference: exactly what was played
                self.far.write(self._far_resampler.resample_chunk(out))
            start, in_end = self._block_bounds(block, self.in_rate)
            mic = self.source.read(start, in_end - start, out)
            self.capture.write(mic, made_by=self.in_time(in_end))
            if self.record:
                self._speaker.append(out)
                self._mic.append(mic)
            if self.source.finished(in_end):
                self.input_done.set()
            block += 1

    def mic(self) -> np.ndarray:
        """Everything the microphone heard, at the mic rate."""
        return self._mic.array()

    def played(self) -> np.ndarray:
        """Everything the speaker played, at its own rate, from device sample 0."""
        return self._speaker.array()

    def recording_mb(self) -> float:
        """How much of the resident memory is this recording of both streams (MB)."""
        return (self._mic.nbytes + self._speaker.nbytes) / 2**20

    def recorded(self) -> Recorded:
        """Both streams; the stereo is at the mic rate: left the mic, right what was played."""
        mic, played = self.mic(), self.played()
        resampled = resample(played, self.out_rate, self.in_rate)
        n = min(mic.size, resampled.size)
        return Recorded(mic, played, np.stack([mic[:n], resampled[:n]], axis=1))

    def stats(self) -> tuple[int, int, int]:
        return self.capture.overruns, self.playout.underruns, 0

    def failure(self) -> str:
        return ""  # the virtual devices cannot go away
