"""Smart Turn v3.2 (pipecat's audio end-of-turn model) on onnxruntime: P(the turn is complete).

The model hears how a person stops — the fall of the voice, a trailing "and", a breath before
the next digit — not what they said. Its input is the last 8 s of 16 kHz speech (zero-padded at
the front when shorter), normalised to zero mean and unit variance, as 80-bin Whisper log-mel
features; faster-whisper's feature extractor computes those (the same Whisper front end the
model was trained on), so nothing is vendored. One call is ~50 ms on one thread here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
from faster_whisper.feature_extractor import FeatureExtractor

from voicecli.audioformat import CAPTURE_RATE
from voicecli.engines.vad import session_options

WINDOW_S = 8  # what the model hears: the last 8 s before the pause
MEL_BINS = 80
NORM_EPS = 1e-7


class SmartTurn:
    """The end-of-turn model: `probability(audio)` for the speech up to a pause."""

    def __init__(self, model_path: Path, threads: int = 1) -> None:
        self.session = ort.InferenceSession(
            str(model_path),
            sess_options=session_options(threads),
            providers=["CPUExecutionProvider"],
        )
        self.features = FeatureExtractor(
            feature_size=MEL_BINS, sampling_rate=CAPTURE_RATE, chunk_length=WINDOW_S
        )

    def probability(self, audio: np.ndarray) -> float:
        """P(complete) for 16 kHz float32 speech that ends where the caller paused."""
        window = WINDOW_S * CAPTURE_RATE
        x = np.asarray(audio, dtype=np.float32)[-window:]
        x = np.pad(x, (window - x.size, 0))
        x = (x - x.mean()) / np.sqrt(x.var() + NORM_EPS)
        mel = self.features(x, padding=0)[:, : WINDOW_S * CAPTURE_RATE // 160]
        out = self.session.run(None, {"input_features": mel[None, :, :].astype(np.float32)})
        return float(np.asarray(out[0]).reshape(-1)[0])
