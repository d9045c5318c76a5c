"""Echo estimates: ERL tells headphones from speakers; ERLE is measured only with echo."""

from __future__ import annotations

import numpy as np
import pytest

from voicecli.audio.echometer import EchoMeter

RATE = 16000


def run(meter: EchoMeter, far_gain: float, mic_gain: float, clean_gain: float, caller_p=0.0):
    rng = np.random.default_rng(0)
    for _ in range(25):  # 0.5 s of 20 ms frames
        far = (rng.standard_normal(320) * far_gain).astype(np.float32)
        meter.add(far * mic_gain, far, far * clean_gain, caller_p)
    return meter.report()


def test_speakers_have_a_small_erl_and_a_measured_erle() -> None:
    reading = run(EchoMeter(RATE // 2), far_gain=0.1, mic_gain=0.5, clean_gain=0.01)
    assert reading is not None
    assert abs(reading.erl_db - 6.0) < 0.1
    assert abs(reading.erle_db - 34.0) < 0.1


def test_headphones_have_no_echo_and_no_erle() -> None:
    reading = run(EchoMeter(RATE // 2), far_gain=0.1, mic_gain=0.001, clean_gain=0.001)
    assert reading is not None and reading.erl_db > 30.0 and reading.erle_db is None
    assert reading.echo_sum == 0.0, "no echo came back: nothing to count"


def test_caller_speech_is_left_out_and_silence_gives_nothing() -> None:
    reading = run(EchoMeter(RATE // 2), 0.1, 0.5, 0.01, caller_p=0.9)
    assert reading is not None and reading.erle_db is None and reading.erl_db is None
    silent = run(EchoMeter(RATE // 2), far_gain=0.0, mic_gain=0.5, clean_gain=0.5)
    assert silent is not None and silent.erl_db is None
    assert EchoMeter(RATE).report() is None, "no reading before a whole period"


def test_a_period_mostly_without_far_end_gives_no_reading() -> None:
    """The agent starts 60 ms before the period ends; its echo (40 ms late) has barely come back:
    the mic is nearly silent over those frames, which must not read as headphones. What did come
    back counts in the run's ERLE over all echo with the next reading that finds echo."""
    meter = EchoMeter(RATE // 2)
    rng = np.random.default_rng(0)
    silence = np.zeros(320, dtype=np.float32)
    for _ in range(22):
        meter.add(silence, silence, silence, 0.0)
    started = 0.0
    for k in range(3):
        far = (rng.standard_normal(320) * 0.1).astype(np.float32)
        meter.add(far * (0.5 if k == 2 else 0.0), far, far * 0.01, 0.0)
        started += float(np.mean((far * (0.5 if k == 2 else 0.0)) ** 2))
    reading = meter.report()
    assert reading is not None and reading.erl_db is None and reading.erle_db is None
    assert reading.echo_sum == 0.0
    following = run(meter, far_gain=0.1, mic_gain=0.5, clean_gain=0.01)
    alone = run(EchoMeter(RATE // 2), far_gain=0.1, mic_gain=0.5, clean_gain=0.01)
    assert following is not None and alone is not None
    assert following.echo_sum == pytest.approx(alone.echo_sum + started, rel=1e-3)


def test_erle_over_all_echo_is_not_the_median_of_readings_when_a_period_is_silenced() -> None:
    """A residual suppressor that silences a period entirely reads ~100 dB there; over all the
    echo the run's ERLE is still what the other periods left, as the sums show."""
    left = run(EchoMeter(RATE // 2), far_gain=0.1, mic_gain=0.5, clean_gain=0.05)  # 20 dB
    silenced = run(EchoMeter(RATE // 2), far_gain=0.1, mic_gain=0.5, clean_gain=0.0)
    assert left is not None and silenced is not None
    readings = sorted([left.erle_db, silenced.erle_db, silenced.erle_db])
    assert readings[1] > 90.0  # the median of three half-second readings
    echo = left.echo_sum + 2 * silenced.echo_sum
    residual = left.residual_sum + 2 * silenced.residual_sum
    assert 10 * np.log10(echo / residual) == pytest.approx(20.0 + 10 * np.log10(3), abs=0.1)


def test_a_reply_ending_over_room_noise_with_no_echo_path_counts_nothing() -> None:
    """No echo (headphones) in a noisy room: the quiet end of a reply, over the room's noise,
    looks like echo the canceller left. With no reading that found an echo path it adds
    nothing to the run's ERLE."""
    meter = EchoMeter(RATE // 2)
    headphones = run(meter, far_gain=0.1, mic_gain=0.001, clean_gain=0.001)
    assert headphones is not None and headphones.echo_sum == 0.0
    rng = np.random.default_rng(1)
    noise = (rng.standard_normal(320) * 0.003).astype(np.float32)
    for k in range(25):
        far = (rng.standard_normal(320) * (0.01 if k < 5 else 0.0)).astype(np.float32)
        meter.add(noise, far, noise, 0.0)
    tail = meter.report()
    assert tail is not None and tail.erl_db is None and tail.echo_sum == 0.0


def test_the_first_replys_start_counts_once_a_reading_finds_echo() -> None:
    """A call's first reply starts before any reading: its first frames (the canceller not yet
    converged) wait, and join the sums of the first reading that finds an echo path."""
    meter = EchoMeter(RATE // 2)
    rng = np.random.default_rng(2)
    silence = np.zeros(320, dtype=np.float32)
    for k in range(25):
        far = (rng.standard_normal(320) * (0.1 if k >= 20 else 0.0)).astype(np.float32)
        meter.add(far * 0.5 if k >= 20 else silence, far, far * 0.2, 0.0)
    start = meter.report()
    assert start is not None and start.erl_db is None and start.echo_sum == 0.0
    first = run(meter, far_gain=0.1, mic_gain=0.5, clean_gain=0.01)
    assert first is not None and first.erle_db is not None
    assert 10 * np.log10(first.echo_sum / first.residual_sum) < first.erle_db - 3.0
