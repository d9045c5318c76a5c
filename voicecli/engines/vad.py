"""Silero VAD (v6 ONNX) on onnxruntime: one speech probability per 32 ms frame at 16 kHz."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort

from voicecli.audioformat import CAPTURE_RATE, FRAME_SAMPLES

CONTEXT_SAMPLES = 64
FRAME_SECONDS = FRAME_SAMPLES / CAPTURE_RATE


def session_options(threads: int) -> ort.SessionOptions:
    """ORT options with bounded thread pools (the default pools spin and burn idle CPU)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3
    return options


class SileroVad:
    """Stateful Silero VAD: feed consecutive 512-sample frames, get a probability for each.

    The model's recurrent state and the 64-sample context from the previous frame are carried
    between calls, as the reference wrapper does; `reset()` starts a fresh stream.
    """

    def __init__(self, model_path: Path, threads: int = 1) -> None:
        self.session = ort.InferenceSession(
            str(model_path),
            sess_options=session_options(threads),
            providers=["CPUExecutionProvider"],
        )
        self._sr = np.array(CAPTURE_RATE, dtype=np.int64)
        self.reset()

    def reset(self) -> None:
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros((1, CONTEXT_SAMPLES), dtype=np.float32)

    def __call__(self, frame: np.ndarray) -> float:
        """Speech probability of one 512-sample float32 frame at 16 kHz."""
        if frame.shape != (FRAME_SAMPLES,):
            raise ValueError(f"VAD frame must be {FRAME_SAMPLES} samples, got {frame.shape}")
        x = np.concatenate([self._context, frame.astype(np.float32)[None, :]], axis=1)
        out, self._state = self.session.run(
            None, {"input": x, "state": self._state, "sr": self._sr}
        )
        self._context = x[:, -CONTEXT_SAMPLES:]
        return float(out[0, 0])

    def skip(self, frame: np.ndarray) -> None:
        """A frame not scored (the room's floor): it is still the next frame's context; the
        recurrent state stays as the last scored frame left it."""
        self._context = frame.astype(np.float32)[None, -CONTEXT_SAMPLES:]

    def probabilities(self, audio: np.ndarray) -> np.ndarray:
        """Probabilities for every whole frame of `audio` (a fresh stream; state is reset)."""
        self.reset()
        n = audio.size // FRAME_SAMPLES
        frames = audio[: n * FRAME_SAMPLES].reshape(n, FRAME_SAMPLES)
        return np.array([self(f) for f in frames], dtype=np.float32)


def speech_span(probs: np.ndarray, threshold: float = 0.5) -> tuple[float, float] | None:
    """(start_s, end_s) from the first to the last frame at or above `threshold`."""
    speech = np.flatnonzero(probs >= threshold)
    if speech.size == 0:
        return None
    return float(speech[0] * FRAME_SECONDS), float((speech[-1] + 1) * FRAME_SECONDS)
