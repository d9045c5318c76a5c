"""The playout ring: reply audio tagged with the text it speaks, read by the output device.

The speaker thread writes one span per synthesised piece; the device callback reads fixed
blocks, playing silence when nothing is queued, and records on the device's own sample
timeline when each span started and finished playing. That record — not the generator — says
which text reached the speaker. `pause()` silences playout from the next block with a short
fade and keeps its place; `resume()` carries on from there; `flush()` drops everything not yet
played (a confirmed barge-in).
Whoever listens (`listen()`) is told as it happens when a span is queued, starts playing and has
played (or was cut by a flush) — outside the ring's lock, from the thread that did it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

import numpy as np


@dataclass(frozen=True)
class PlayedSpan:
    """One piece of reply audio: stream samples [start, end) and where the device played it."""

    gen: int
    piece: int
    text: str
    start: int
    end: int
    word_times: tuple[tuple[int, int], ...] = ()  # each word of `text`: (start, end) from `start`
    device_start: int | None = None
    device_end: int | None = None


class Progress(Enum):
    """What just happened to a span."""

    QUEUED = "queued"
    PLAYING = "playing"  # the device reached its first sample (span.device_start)
    PLAYED = "played"  # the device reached its end (span.device_end)
    CUT = "cut"  # a flush stopped it part-way: it ends where playout stopped


Listener = Callable[[Progress, "PlayedSpan"], None]


@dataclass(frozen=True)
class PlayoutState:
    """A consistent snapshot for the session to turn into events."""

    device_sample: int
    read: int
    written: int
    spans: tuple[PlayedSpan, ...]
    underruns: int


class PlayoutRing:
    """Single-writer, single-reader ring of reply samples at the output device's rate."""

    def __init__(self, capacity: int, rate: int) -> None:
        self.capacity = capacity
        self.rate = rate
        self._data = np.zeros(capacity, dtype=np.float32)
        self._written = 0
        self._read = 0
        self._device = 0
        self._spans: list[PlayedSpan] = []
        self._reply_open = False
        self._closed = False
        self._min_gen = 0
        self._paused = False
        self._fade_out = 0
        self._fade_in = 0
        self._fade_samples = 0
        self.underruns = 0
        self._cond = threading.Condition()
        self._listener: Listener | None = None

    def listen(self, listener: Listener) -> None:
        """Tell `listener` of every span's progress from now on."""
        self._listener = listener

    def _tell(self, news: list[tuple[Progress, PlayedSpan]]) -> None:
        listener = self._listener
        if listener is not None:
            for progress, span in news:
                listener(progress, span)

    def write(
        self,
        samples: np.ndarray,
        gen: int,
        piece: int,
        text: str,
        word_times: tuple[tuple[int, int], ...] = (),
    ) -> bool:
        """Queue a span (`word_times`: when each word of `text` is spoken in `samples`);
        blocks while the ring is full.

        False (nothing queued) if `gen` was cancelled by a flush, or the ring was flushed or
        closed while waiting for room.
        """
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        with self._cond:
            if gen < self._min_gen or self._closed:
                return False
            start = self._written
            end = start + samples.size
            span = PlayedSpan(gen, piece, text, start, end, word_times)
            self._spans.append(span)
        self._tell([(Progress.QUEUED, span)])
        with self._cond:
            if gen < self._min_gen or self._closed or self._written != start:
                return False  # flushed or closed in the moment the lock was let go
            offset = 0
            while offset < samples.size:
                self._cond.wait_for(
                    lambda: self._written - self._read < self.capacity or self._closed
                )
                if self._closed or self._written < start + offset:  # flushed while waiting
                    return False
                room = self.capacity - (self._written - self._read)
                n = min(room, samples.size - offset)
                self._put(samples[offset : offset + n])
                offset += n
            self._reply_open = True
            return True

    def _put(self, samples: np.ndarray) -> None:
        pos = self._written % self.capacity
        head = min(samples.size, self.capacity - pos)
        self._data[pos : pos + head] = samples[:head]
        self._data[: samples.size - head] = samples[head:]
        self._written += samples.size

    def end_reply(self) -> None:
        """The reply has no more audio coming: running dry now is the end, not an underrun."""
        with self._cond:
            self._reply_open = False

    def _copy(self, out: np.ndarray, n: int) -> None:
        pos = self._read % self.capacity
        head = min(n, self.capacity - pos)
        out[:head] = self._data[pos : pos + head]
        out[head:n] = self._data[: n - head]

    def read_into(self, out: np.ndarray) -> None:
        """Fill a device block (1-D float32) with queued audio, then silence."""
        frames = out.shape[0]
        news: list[tuple[Progress, PlayedSpan]] = []
        with self._cond:
            self._read_locked(out, frames, news)
        self._tell(news)

    def _read_locked(
        self, out: np.ndarray, frames: int, news: list[tuple[Progress, PlayedSpan]]
    ) -> None:
        available = self._written - self._read
        if self._paused:
            n = min(self._fade_out, available, frames)
            if n:  # fade the next few samples out, without consuming them
                self._copy(out, n)
                out[:n] *= np.linspace(1.0, 0.0, n, dtype=np.float32)
            self._fade_out = 0
            out[n:] = 0.0
            self._device += frames
            return
        n = min(frames, available)
        if n:
            self._copy(out, n)
            if self._fade_in:
                k = min(n, self._fade_in)
                out[:k] *= np.linspace(0.0, 1.0, self._fade_samples, dtype=np.float32)[
                    self._fade_samples - self._fade_in : self._fade_samples - self._fade_in + k
                ]
                self._fade_in -= k
            self._mark_spans(self._read, self._read + n, news)
            self._read += n
        out[n:] = 0.0
        if n < frames and self._reply_open and self._read > 0:
            self.underruns += 1
        self._device += frames
        self._cond.notify_all()

    def pause(self, fade_samples: int) -> None:
        """Silence playout from the next device block (after a short fade), keeping its place."""
        with self._cond:
            if not self._paused:
                self._paused = True
                self._fade_out = fade_samples

    def resume(self, fade_samples: int) -> None:
        """Carry on playing from where `pause()` stopped, fading back in."""
        with self._cond:
            if self._paused:
                self._paused = False
                self._fade_samples = max(1, fade_samples)
                self._fade_in = self._fade_samples

    @property
    def paused(self) -> bool:
        return self._paused

    def _mark_spans(self, first: int, last: int, news: list[tuple[Progress, PlayedSpan]]) -> None:
        """Record device positions of span starts and ends inside stream range [first, last)."""
        for i, span in enumerate(self._spans):
            if span.end <= first or span.start >= last:
                continue
            if span.device_start is None and first <= span.start < last:
                span = replace(span, device_start=self._device + span.start - first)
                news.append((Progress.PLAYING, span))
            if span.device_end is None and span.end <= last:
                span = replace(span, device_end=self._device + span.end - first)
                news.append((Progress.PLAYED, span))
            self._spans[i] = span

    def flush(self, min_gen: int = 0) -> int:
        """Drop every unplayed sample; the span playing now ends where playout stopped.
        Returns the stream position playout stopped at.

        Later writes from generations older than `min_gen` are refused.
        """
        news: list[tuple[Progress, PlayedSpan]] = []
        with self._cond:
            position = self._flush_locked(min_gen, news)
        self._tell(news)
        return position

    def _flush_locked(self, min_gen: int, news: list[tuple[Progress, PlayedSpan]]) -> int:
        self._min_gen = max(self._min_gen, min_gen)
        self._paused = False
        self._fade_in = 0
        self._written = self._read
        kept = []
        for span in self._spans:
            if span.start >= self._read:
                continue
            if span.end > self._read:
                span = replace(span, end=self._read, device_end=self._device)
                news.append((Progress.CUT, span))
            kept.append(span)
        self._spans = kept
        self._reply_open = False
        self._cond.notify_all()
        return self._read

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def pending(self) -> int:
        """Samples queued but not yet played."""
        with self._cond:
            return self._written - self._read

    def state(self) -> PlayoutState:
        with self._cond:
            return PlayoutState(
                self._device, self._read, self._written, tuple(self._spans), self.underruns
            )

    def forget_before(self, stream_index: int) -> None:
        """Drop the record of spans that ended before `stream_index` (already reported)."""
        with self._cond:
            self._spans = [s for s in self._spans if s.end > stream_index or s.device_end is None]
