"""A caller's voice that is not the agent's: the Piper voice shifted up in pitch.

Synthesising more slowly and then replaying faster raises the pitch and the formants by the same
factor while the tempo comes back to normal: it sounds like a different, higher speaker, and
Whisper still reads it well. Used for the bundled example conversation and bench clips.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from voicecli.audio.wavfile import resample
from voicecli.audioformat import CAPTURE_RATE
from voicecli.config import TtsConfig
from voicecli.engines.tts import PiperEngine
from voicecli.modelstore import ModelStore

PITCH_SHIFT = 1.3


class CallerVoice:
    """Speaks caller lines at 16 kHz in a voice distinct from the agent's."""

    def __init__(self, store: ModelStore, config: TtsConfig, shift: float = PITCH_SHIFT) -> None:
        slower = dataclasses.replace(config, length_scale=config.length_scale * shift)
        self.engine = PiperEngine(store.require("piper-joe"), slower)
        self.shift = shift

    def say(self, text: str) -> np.ndarray:
        audio = self.engine.speak(text)
        return resample(audio, round(self.engine.sample_rate * self.shift), CAPTURE_RATE)
