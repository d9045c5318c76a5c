"""A sound card's blocks resampled to the capture rate as they come, none held back.

soxr's stream resampler works in blocks of its own: at "LQ" a 20 ms block of 48 kHz audio in
gives 0, 300 or 600 samples out, holding back 2.5 to 20 ms (11.6 ms on average; "MQ" and "HQ"
hold back more). On the microphone that is latency before anything hears the caller — the
barge-in, the end of their turn. Its "QQ" (cubic interpolation) gives every sample at once,
but has no anti-alias filter: what the card captured between 8 and 24 kHz would fold into
the recogniser's band. So a short linear-phase low-pass (a Kaiser-windowed sinc, cut at 7.4
kHz, 1.3 ms of delay at 48 kHz) runs first, at the card's rate, and QQ after it.
The speaker's audio on its way to the echo canceller (the far end) goes through the same, so
the two sides the canceller compares are filtered and delayed alike.
"""

from __future__ import annotations

import numpy as np
import soxr

CUTOFF_HZ = 7400.0  # under the capture rate's 8 kHz Nyquist, with a transition band
TAPS = 127  # odd: a whole-sample delay of (TAPS - 1) / 2; 1.6 kHz of transition at 48 kHz
KAISER_BETA = 7.0  # about 70 dB down in the stop band


def low_pass(rate: int, cutoff_hz: float = CUTOFF_HZ, taps: int = TAPS) -> np.ndarray:
    """A linear-phase FIR low-pass at `rate` with unity gain at 0 Hz."""
    n = np.arange(taps) - (taps - 1) / 2
    kernel = np.sinc(2.0 * cutoff_hz / rate * n) * np.kaiser(taps, KAISER_BETA)
    return (kernel / kernel.sum()).astype(np.float32)


class BlockResampler:
    """Resamples a stream of blocks from `in_rate` to `out_rate` with no samples held back.

    Down: the low-pass at `in_rate`, then QQ. Up: each sample followed by `factor - 1` zeros
    (to a whole multiple of `in_rate` at or above `out_rate`), the low-pass there as the
    interpolator, then QQ for what is left — cubic interpolation alone droops towards the old
    Nyquist (3 dB off a 16 kHz voice's "s" on the way to 48 kHz)."""

    def __init__(self, in_rate: int, out_rate: int) -> None:
        self.in_rate = in_rate
        self.out_rate = out_rate
        self._factor = -(-out_rate // in_rate) if out_rate > in_rate else 1
        self._rate = in_rate * self._factor  # where the filter runs
        self._kernel: np.ndarray | None = None
        if in_rate != out_rate:
            cutoff = min(CUTOFF_HZ, 0.46 * min(in_rate, out_rate))
            self._kernel = low_pass(self._rate, cutoff) * np.float32(self._factor)
        self._tail = np.zeros(0 if self._kernel is None else self._kernel.size - 1, np.float32)
        self._stream = (
            soxr.ResampleStream(self._rate, out_rate, 1, dtype="float32", quality="QQ")
            if self._rate != out_rate
            else None
        )

    @property
    def delay_s(self) -> float:
        """How late the output is against the input (the low-pass's group delay)."""
        return self._tail.size / 2 / self._rate

    def __call__(self, block: np.ndarray) -> np.ndarray:
        block = np.asarray(block, dtype=np.float32)
        if self._kernel is None:
            return block
        if self._factor > 1:
            stuffed = np.zeros(block.size * self._factor, dtype=np.float32)
            stuffed[:: self._factor] = block
            block = stuffed
        joined = np.concatenate([self._tail, block])
        self._tail = joined[joined.size - self._tail.size :]
        block = np.convolve(joined, self._kernel, mode="valid").astype(np.float32)
        return block if self._stream is None else self._stream.resample_chunk(block)
