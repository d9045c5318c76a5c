"""Speex AEC on a synthetic echo of Piper speech: the echo goes, the caller's voice stays."""

from __future__ import annotations

import numpy as np
import pytest

from tests.corpus import librivox
from voicecli.audio.levels import band_limited, erle_db
from voicecli.audio.wavfile import resample, to_float32, to_int16
from voicecli.audioformat import CAPTURE_RATE
from voicecli.config import AecConfig
from voicecli.doctor import echo_reduction
from voicecli.engines.aec import SpeexAec
from voicecli.engines.stt import WhisperEngine
from voicecli.engines.tts import PiperEngine
from voicecli.sim.echo_path import echo_of
from voicecli.wer import word_error_rate

RATE = CAPTURE_RATE
AGENT_TEXT = (
    "Your order four two one nine is delayed. It should arrive tomorrow afternoon, and I can "
    "text you the tracking link if you like. Is there anything else I can help you with today? "
    "I am happy to check another order for you."
)


@pytest.fixture(scope="module")
def far(steady_tts: PiperEngine) -> np.ndarray:
    """The same far end in every run: with Piper's variation, one run in many left a residual
    that Whisper heard "an ill disposed" in as "and he'll dispose"."""
    return resample(steady_tts.speak(AGENT_TEXT), steady_tts.sample_rate, RATE)


def test_erle_at_least_20db_and_near_end_speech_kept(far: np.ndarray, stt: WhisperEngine) -> None:
    echo = echo_of(far, RATE, delay_ms=40, gain_db=-6)
    clip = librivox()[1]
    near = clip.audio() * 0.5
    near_at = far.size - near.size - RATE  # the caller talks over the agent's last sentence
    near_track = np.zeros_like(far)
    near_track[near_at : near_at + near.size] = near
    mic = echo + near_track

    aec = SpeexAec(AecConfig())
    out = to_float32(aec.process_signal(to_int16(mic), to_int16(far)))

    echo_only = slice(4 * RATE, near_at)  # after 4 s of adaptation, before the caller speaks
    assert erle_db(echo[echo_only], out[echo_only]) >= 20.0

    talk = slice(near_at, near_at + near.size)
    delayed = slice(near_at + aec.latency, near_at + aec.latency + near.size)
    kept = band_limited(out[delayed], RATE, 150, 7000)
    truth = band_limited(near_track[talk], RATE, 150, 7000)
    assert np.corrcoef(kept, truth)[0, 1] >= 0.9, "the caller's voice survives double talk"
    heard = stt.transcribe(out[delayed]).text
    assert word_error_rate([clip.text], [heard]) <= 0.15, heard


def test_without_the_far_end_nothing_is_cancelled(far: np.ndarray) -> None:
    echo = echo_of(far, RATE, delay_ms=40, gain_db=-6)
    aec = SpeexAec(AecConfig())
    out = to_float32(aec.process_signal(to_int16(echo), np.zeros(echo.size, dtype=np.int16)))
    assert erle_db(echo[4 * RATE :], out[4 * RATE :]) < 3.0, "the reference is what cancels"


def test_the_doctors_echo_check_passes_a_working_canceller(far: np.ndarray) -> None:
    assert echo_reduction(SpeexAec(AecConfig()), far, 40, -6, settle_s=4.0) >= 20.0


def test_canceller_alone_reaches_15db_and_residual_suppression_adds_more(far: np.ndarray) -> None:
    plain = echo_reduction(
        SpeexAec(AecConfig(residual_suppression=False)), far, 40, -6, settle_s=4.0
    )
    full = echo_reduction(SpeexAec(AecConfig()), far, 40, -6, settle_s=4.0)
    assert plain >= 15.0
    assert full >= plain + 5.0


def test_frames_must_match_the_frame_size() -> None:
    aec = SpeexAec(AecConfig(frame_ms=20))
    assert aec.frame_size == 320 and aec.filter_length == 3200
    with pytest.raises(ValueError, match="320 samples"):
        aec.process(np.zeros(160, np.int16), np.zeros(160, np.int16))
