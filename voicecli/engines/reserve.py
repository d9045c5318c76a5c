"""Bring the speech engines' memory to its working size before the call, not during it.

Whisper (CTranslate2) and Piper (ONNX Runtime) each keep what their largest input so far made
them allocate: Whisper's first 10 s window took ~80 MB more than its first 1 s one, and Piper's
arena grows with its longest piece up to the size it keeps (`[tts] arena_keep_ids`; longer
sentences are spoken in parts that fit). Left to
the call, that growth lands on the first long question and the first long reply, minutes in.
Done at load, on speech Piper makes of two sentences just under its kept size, memory is
flat from the first turn, and the first turn does not pay the engines' first-use costs.
"""

from __future__ import annotations

import numpy as np

from voicecli.audio.wavfile import resample
from voicecli.audioformat import CAPTURE_RATE
from voicecli.engines.stt import WhisperEngine
from voicecli.engines.tts import PiperEngine

# Each sentence is 81-95 phoneme ids, under the 100 Piper's arena keeps; ~12 s of speech, so
# the window is covered whatever length Piper's duration noise gives it (10.3 s was not)
RESERVE_TEXT = (
    "Your order left our warehouse this morning. It should arrive tomorrow before noon. "
    "The driver leaves a card at the door. Our shop opens at nine on weekdays. "
    "Call us during our opening hours. You can also pick it up from our counter."
)


def reserve_memory(stt: WhisperEngine, tts: PiperEngine, window_s: float) -> float:
    """Speak RESERVE_TEXT and transcribe up to `window_s` of it; return its length (s)."""
    speech = resample(tts.speak(RESERVE_TEXT), tts.sample_rate, CAPTURE_RATE)
    window = speech[: round(window_s * CAPTURE_RATE)].astype(np.float32)
    stt.transcribe(window)
    return window.size / CAPTURE_RATE
