"""Silero VAD on real speech: the speech span of a clip, state handling."""

from __future__ import annotations

import numpy as np
import pytest

from tests.corpus import librivox
from voicecli.audioformat import CAPTURE_RATE, FRAME_SAMPLES
from voicecli.engines.vad import SileroVad, speech_span

PAD_S = 1.0
FRAME_20MS = 320


def trim_to_speech(audio: np.ndarray) -> np.ndarray:
    """The clip cut to its voiced part, with 10 ms fades.

    Voiced: from the first to the last run of three 20 ms frames 6 dB over the noise floor.

    Placed in silence, the result has a speech span known by construction: where it was placed.
    """
    n = audio.size // FRAME_20MS
    frames = audio[: n * FRAME_20MS].reshape(n, FRAME_20MS)
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    loud = level > np.percentile(level, 10) + 6.0
    runs = np.flatnonzero(loud[:-2] & loud[1:-1] & loud[2:])
    voiced = audio[runs[0] * FRAME_20MS : (runs[-1] + 3) * FRAME_20MS].copy()
    fade = np.linspace(0.0, 1.0, FRAME_20MS // 2, dtype=np.float32)
    voiced[: fade.size] *= fade
    voiced[-fade.size :] *= fade[::-1]
    return voiced


@pytest.mark.parametrize("clip", librivox(), ids=lambda c: c.name[-4:])
def test_speech_span_within_150ms(vad: SileroVad, clip) -> None:
    speech = trim_to_speech(clip.audio())
    rng = np.random.default_rng(1)
    pad = (rng.standard_normal(int(PAD_S * CAPTURE_RATE)) * 1e-3).astype(np.float32)
    audio = np.concatenate([pad, speech, pad])
    truth = (PAD_S, PAD_S + speech.size / CAPTURE_RATE)
    span = speech_span(vad.probabilities(audio))
    assert span is not None
    assert abs(span[0] - truth[0]) <= 0.150, (span, truth)
    assert abs(span[1] - truth[1]) <= 0.150, (span, truth)


def test_silence_has_no_speech(vad: SileroVad) -> None:
    rng = np.random.default_rng(2)
    noise = (rng.standard_normal(CAPTURE_RATE * 2) * 3e-3).astype(np.float32)
    assert speech_span(vad.probabilities(noise)) is None


def test_reset_makes_streams_repeatable(vad: SileroVad) -> None:
    audio = librivox()[1].audio()
    first = vad.probabilities(audio)
    second = vad.probabilities(audio)
    np.testing.assert_allclose(first, second, atol=1e-6)


def test_state_is_carried_between_frames(vad: SileroVad) -> None:
    audio = librivox()[1].audio()
    frames = audio[: 40 * FRAME_SAMPLES].reshape(40, FRAME_SAMPLES)
    vad.reset()
    streamed = [vad(f) for f in frames]
    isolated = []
    for f in frames:
        vad.reset()
        isolated.append(vad(f))
    assert max(streamed) > 0.9
    assert not np.allclose(streamed, isolated, atol=0.05), "context and state must matter"


def test_wrong_frame_size_is_rejected(vad: SileroVad) -> None:
    with pytest.raises(ValueError, match="512 samples"):
        vad(np.zeros(480, dtype=np.float32))
