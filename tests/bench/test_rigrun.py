"""Placing the agent's rings on the rig's timeline (bench/rigrun.py), from the signals alone."""

from __future__ import annotations

import numpy as np
import pytest

from voicecli.audio.ring import SampleRing
from voicecli.audio.wavfile import resample
from voicecli.audioformat import CAPTURE_RATE
from voicecli.bench.rigrun import RIG_RATE, ring_offset


def speech_like(seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    audio = rng.standard_normal(int(seconds * CAPTURE_RATE)).astype(np.float32) * 0.1
    bursts = np.sin(np.arange(audio.size) * 2 * np.pi * 2 / CAPTURE_RATE) > 0
    return audio * bursts


@pytest.mark.parametrize("shift", [0, 320, 1234, -800])
def test_the_offset_between_the_rig_and_a_ring_is_found(shift: int) -> None:
    said = speech_like(4.0)  # what the rig sent, on its own timeline (here at 16 kHz)
    ring = SampleRing(CAPTURE_RATE * 10)
    if shift >= 0:  # the agent's ring began `shift` samples before the rig's sample 0
        ring.write(np.concatenate([np.zeros(shift, np.float32), said]))
    else:  # the agent's ring began after it: the rig's first samples never reached it
        ring.write(said[-shift:])
    found = ring_offset(ring, resample(said, CAPTURE_RATE, RIG_RATE), RIG_RATE)
    assert found is not None and abs(found - shift) <= 1


def test_silence_has_no_offset() -> None:
    ring = SampleRing(CAPTURE_RATE)
    ring.write(np.zeros(CAPTURE_RATE, np.float32))
    assert ring_offset(ring, np.zeros(RIG_RATE, np.float32), RIG_RATE) is None
