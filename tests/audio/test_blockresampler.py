"""The sound card's resampler: every block out at once, speech band whole, no aliasing."""

from __future__ import annotations

import numpy as np
import pytest

from voicecli.audio.blockresampler import BlockResampler
from voicecli.audioformat import CAPTURE_RATE


def through(rate: int, signal: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Sizes of the blocks out, and the whole output, for 20 ms blocks in."""
    resample = BlockResampler(rate, CAPTURE_RATE)
    block = round(rate * 0.02)
    outs = [resample(signal[i : i + block]) for i in range(0, signal.size, block)]
    return [o.size for o in outs], np.concatenate(outs)


def tone(rate: int, hz: float, seconds: float = 1.0) -> np.ndarray:
    return (0.5 * np.sin(2 * np.pi * hz * np.arange(round(rate * seconds)) / rate)).astype(
        np.float32
    )


def level_db(x: np.ndarray) -> float:
    middle = x[x.size // 4 : -x.size // 4]
    return float(20 * np.log10(np.sqrt(np.mean(middle**2)) / (0.5 / np.sqrt(2)) + 1e-12))


@pytest.mark.parametrize("rate", [48000, 44100])
def test_every_block_comes_out_whole_and_at_once(rate: int) -> None:
    sizes, _ = through(rate, tone(rate, 440.0))
    expected = round(rate * 0.02) * CAPTURE_RATE / rate
    assert all(abs(size - expected) <= 1 for size in sizes), sizes


@pytest.mark.parametrize("rate", [48000, 44100])
def test_the_speech_band_passes_and_what_would_fold_into_it_does_not(rate: int) -> None:
    assert abs(level_db(through(rate, tone(rate, 1000.0))[1])) < 0.1
    assert abs(level_db(through(rate, tone(rate, 5000.0))[1])) < 0.2
    for hz in (9000.0, 12000.0, 20000.0):  # would land at 7, 4 and 4 kHz
        assert level_db(through(rate, tone(rate, hz))[1]) < -60.0, hz


def test_a_click_comes_out_where_it_went_in_less_than_two_ms_late() -> None:
    rate = 48000
    click = np.zeros(rate, dtype=np.float32)
    click[rate // 2] = 1.0
    _, out = through(rate, click)
    late_s = int(np.argmax(np.abs(out))) / CAPTURE_RATE - 0.5
    assert 0.0 <= late_s <= BlockResampler(rate, CAPTURE_RATE).delay_s + 1 / CAPTURE_RATE
    assert BlockResampler(rate, CAPTURE_RATE).delay_s < 0.002


@pytest.mark.parametrize("rate", [48000, 44100])
def test_up_to_a_cards_rate_the_band_is_whole_and_nothing_is_held_back(rate: int) -> None:
    resample = BlockResampler(CAPTURE_RATE, rate)
    voice = tone(CAPTURE_RATE, 7000.0)  # an "s" lives up here
    outs = [resample(voice[i : i + 320]) for i in range(0, voice.size, 320)]
    assert all(abs(o.size - 320 * rate / CAPTURE_RATE) <= 1 for o in outs)
    up = np.concatenate(outs)
    assert -1.5 < level_db(up) < 0.1  # cubic interpolation alone: about 3 dB down
    assert abs(level_db(BlockResampler(CAPTURE_RATE, rate)(tone(CAPTURE_RATE, 1000.0)))) < 0.1
