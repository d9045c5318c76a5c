"""A capture ring buffer: float32 samples addressed by absolute index, one writer, many readers.

The writer (a device callback) appends; readers ask for any range of absolute sample indices
still in the ring, or wait until an index has been written. Overwritten data that a reader
still wanted counts as an overrun. The writer may say by when each block's sound had been made
(a sound card: when its callback handed it over); a reader asks that of any recent sample.
"""

from __future__ import annotations

import threading
from collections import deque

import numpy as np

ARRIVALS_KEPT = 4096  # writes whose time is remembered (over a minute of 20 ms device blocks)


class SampleRing:
    """Fixed-capacity ring of mono float32 samples with a running write counter."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._data = np.zeros(capacity, dtype=np.float32)
        self._written = 0
        self._closed = False
        self.overruns = 0
        self.broken_at = -1  # the write index where the device last broke this stream (an xrun)
        self._arrivals: deque[tuple[int, float]] = deque(maxlen=ARRIVALS_KEPT)  # (end, made by)
        self._cond = threading.Condition()

    @property
    def written(self) -> int:
        """Absolute index one past the newest sample."""
        return self._written

    def mark_break(self, before: int = 0) -> None:
        """The device lost or repeated a period of this stream here (an xrun), or up to
        `before` samples before here: PortAudio raises the flag on the block after the loss."""
        self.broken_at = max(0, self._written - before)

    @property
    def oldest(self) -> int:
        """Absolute index of the oldest sample still held."""
        return max(0, self._written - self.capacity)

    def made_by(self, sample: int) -> float | None:
        """The clock time by which the sound at `sample` had been made: the time its writer
        gave with it, or with the first later write that gave one (None: no such write yet,
        or too long ago)."""
        with self._cond:
            found = None
            for end, made_by in reversed(self._arrivals):
                if end <= sample:
                    break
                found = made_by
            return found

    def write(self, samples: np.ndarray, made_by: float | None = None) -> None:
        """Append `samples`; `made_by`: a clock time by which all of them had been made."""
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        total = samples.size
        skipped = max(0, total - self.capacity)  # only the newest `capacity` samples fit
        samples = samples[skipped:]
        with self._cond:
            start = (self._written + skipped) % self.capacity
            first = min(samples.size, self.capacity - start)
            self._data[start : start + first] = samples[:first]
            self._data[: samples.size - first] = samples[first:]
            self._written += total
            if made_by is not None:
                self._arrivals.append((self._written, made_by))
            self._cond.notify_all()

    def close(self) -> None:
        """No more samples will come; wake every waiting reader."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    def wait_for(self, index: int, timeout: float) -> bool:
        """Block until sample `index - 1` is written (True) or timeout / close (False)."""
        with self._cond:
            return (
                self._cond.wait_for(lambda: self._written >= index or self._closed, timeout)
                and self._written >= index
            )

    def read(self, start: int, end: int) -> np.ndarray:
        """Samples [start, end); a part already overwritten is counted and returned as zeros."""
        with self._cond:
            end = min(end, self._written)
            if end <= start:
                return np.zeros(0, dtype=np.float32)
            out = np.zeros(end - start, dtype=np.float32)
            lost = max(0, self.oldest - start)
            if lost:
                self.overruns += 1
            pos = (start + lost) % self.capacity
            n = end - start - lost
            head = min(n, self.capacity - pos)
            out[lost : lost + head] = self._data[pos : pos + head]
            out[lost + head :] = self._data[: n - head]
            return out
