"""Speex acoustic echo cancellation (libspeexdsp): mic frame + far-end frame → cleaned frame.

The adaptive echo canceller removes the echo it can model; the Speex preprocessor, linked to the
canceller's state, then suppresses the residual echo (optional, `aec.residual_suppression`).
"""

from __future__ import annotations

import numpy as np

from voicecli.audioformat import CAPTURE_RATE
from voicecli.config import AecConfig
from voicecli.engines.speexlib import EchoState, Preprocessor


class SpeexAec:
    """An adaptive echo canceller over int16 frames at 16 kHz.

    `far` must be exactly the samples the speaker played at the time the mic frame was captured
    (minus the acoustic delay, which the adaptive filter learns up to its length).
    """

    def __init__(self, config: AecConfig, sample_rate: int = CAPTURE_RATE) -> None:
        self.config = config
        self.sample_rate = sample_rate
        self.frame_size = config.frame_samples(sample_rate)
        self.filter_length = sample_rate * config.filter_ms // 1000
        self.reset()

    def reset(self) -> None:
        self._echo = EchoState(self.frame_size, self.filter_length, self.sample_rate)
        self._residual = (
            Preprocessor(
                self._echo,
                self.sample_rate,
                self.config.suppress_db,
                self.config.suppress_active_db,
                self.config.noise_suppress_db,
            )
            if self.config.residual_suppression
            else None
        )

    @property
    def latency(self) -> int:
        """Samples by which the output lags the input (the preprocessor holds one frame)."""
        return self.frame_size if self._residual is not None else 0

    def process(self, mic: np.ndarray, far: np.ndarray) -> np.ndarray:
        """Cancel the echo of `far` in `mic`; both int16 arrays of `frame_size` samples."""
        if mic.shape != (self.frame_size,) or far.shape != (self.frame_size,):
            raise ValueError(
                f"AEC frames must be {self.frame_size} samples, got {mic.shape} and {far.shape}"
            )
        out = self._echo.cancel(mic, far)
        return self._residual.run(out) if self._residual is not None else out

    def process_signal(self, mic: np.ndarray, far: np.ndarray) -> np.ndarray:
        """Run whole int16 signals through frame by frame (a trailing partial frame is dropped)."""
        n = min(mic.size, far.size) // self.frame_size
        out = np.zeros(n * self.frame_size, dtype=np.int16)
        for i in range(n):
            s = slice(i * self.frame_size, (i + 1) * self.frame_size)
            out[s] = self.process(mic[s], far[s])
        return out
