"""The silence before a voice's first sound: all but 10 ms of it is dropped; sound is never."""

from __future__ import annotations

import numpy as np

from voicecli.audio.leadin import KEEP_S, lead_in

RATE = 22050


def test_the_silence_before_the_first_sound_goes_but_for_a_margin() -> None:
    audio = np.concatenate([np.full(3000, 1e-4), np.full(100, 0.2), np.zeros(50)])
    assert lead_in(audio.astype(np.float32), RATE) == 3000 - round(KEEP_S * RATE)


def test_audio_that_starts_loud_loses_nothing() -> None:
    assert lead_in(np.full(500, 0.3, dtype=np.float32), RATE) == 0
    assert lead_in(np.concatenate([np.zeros(100), np.full(10, 0.3)]), RATE) == 0  # < margin


def test_silence_alone_is_left_whole() -> None:
    assert lead_in(np.zeros(4000, dtype=np.float32), RATE) == 0
