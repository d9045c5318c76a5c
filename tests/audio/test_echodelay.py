"""The echo's lag, measured from the microphone and the far end (audio/echodelay.py).

Synthetic signals: the far end is noise shaped like speech bursts; the microphone hears it at a
known lag and gain, over a caller's own noise. A lag the devices' timestamps got wrong (the
echo before its reference) moves the reference; a lag already in range moves nothing.
"""

from __future__ import annotations

import numpy as np
import pytest

from voicecli.audio.echodelay import EchoDelay, EchoDelayRules, echo_lag
from voicecli.audio.ring import SampleRing
from voicecli.audioformat import CAPTURE_RATE

RULES = EchoDelayRules()


def far_end(seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    voice = rng.standard_normal(int(seconds * CAPTURE_RATE)).astype(np.float32) * 0.1
    envelope = (np.sin(np.arange(voice.size) * 2 * np.pi * 3 / CAPTURE_RATE) > -0.3).astype(
        np.float32
    )  # bursts and gaps, as words and pauses
    return voice * envelope


def heard(far: np.ndarray, lag: int, gain: float = 0.5, seed: int = 1) -> np.ndarray:
    """The microphone: the far end `lag` samples later (earlier when negative), and noise."""
    mic = np.zeros_like(far)
    if lag >= 0:
        mic[lag:] = far[: far.size - lag] * gain
    else:
        mic[:lag] = far[-lag:] * gain
    rng = np.random.default_rng(seed)
    return mic + rng.standard_normal(far.size).astype(np.float32) * 0.003


@pytest.mark.parametrize("lag", [-576, -80, 0, 480, 3000])
def test_the_lag_is_found_either_side_of_the_reference(lag: int) -> None:
    far = far_end(2.0)
    mic = heard(far, lag)
    start, width, reach = 8000, RULES.window, RULES.max_lag
    found, score = echo_lag(
        mic[start : start + width], far[start - reach : start + width + reach], reach
    )
    assert found == lag and score > 0.9


def test_a_caller_alone_finds_no_echo() -> None:
    far = far_end(2.0)
    caller = far_end(2.0, seed=7)  # speech that is not the agent's
    start, width, reach = 8000, RULES.window, RULES.max_lag
    _, score = echo_lag(
        caller[start : start + width], far[start - reach : start + width + reach], reach
    )
    assert score < RULES.min_correlation


def measured(lag: int, seconds: float = 3.0) -> EchoDelay:
    far = far_end(seconds)
    mic = heard(far, lag)
    capture, far_ring = SampleRing(mic.size), SampleRing(far.size)
    capture.write(mic)
    far_ring.write(far)
    delay = EchoDelay(capture, far_ring, RULES)
    for end in range(160, mic.size + 1, 160):  # the listener's 10 ms frames
        delay.update(end)
    return delay


def test_an_echo_ahead_of_its_reference_moves_the_reference_ahead() -> None:
    delay = measured(-576)  # JACK: the echo 36 ms before the timestamps say it was played
    assert delay.measured == -576
    assert delay.advance == RULES.margin + 576  # the echo now follows it by the margin


def test_an_echo_in_range_changes_nothing() -> None:
    delay = measured(480)  # 30 ms after its reference, as the virtual devices place it
    assert delay.advance == 0 and delay.measured is None


def test_an_echo_later_than_half_the_filter_moves_the_reference_back() -> None:
    delay = measured(3000)
    assert delay.advance == RULES.margin - 3000


def test_silence_from_the_speaker_measures_nothing() -> None:
    capture, far_ring = SampleRing(48000), SampleRing(48000)
    capture.write(np.random.default_rng(3).standard_normal(48000).astype(np.float32) * 0.05)
    far_ring.write(np.zeros(48000, dtype=np.float32))
    delay = EchoDelay(capture, far_ring, RULES)
    delay.update(48000)
    assert delay.advance == 0 and delay.measured is None
