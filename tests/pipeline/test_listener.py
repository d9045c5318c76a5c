"""The listener on the real echo canceller and VAD (no threads): its fast sound-onset
detector, and the speech it hears in a caller's clip."""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from voicecli.audio.ring import SampleRing
from voicecli.audio.wavfile import read_wav
from voicecli.bench.scenario import shipped_scenarios
from voicecli.bus import EventBus
from voicecli.config import AecConfig, Config
from voicecli.engines.aec import SpeexAec
from voicecli.engines.vad import SileroVad
from voicecli.events import DeviceBreak, SoundOnset, SpeechEnded, SpeechStarted
from voicecli.pipeline.listener import Listener
from voicecli.policy.interruption import InterruptRules
from voicecli.sim.echo_path import echo_of

RATE = 16000


def onsets(
    vad: SileroVad,
    far: np.ndarray,
    mic: np.ndarray,
    max_removed_db: float = 10.0,
    margin_db: float = 20.0,
    broken_at: int = -1,
) -> list[int]:
    """Samples of the sound onsets the listener publishes for this far end and mic (the
    device having broken its streams at `broken_at`, if ≥ 0)."""
    interrupt = dataclasses.replace(
        Config().interrupt,
        onset_max_removed_db=max_removed_db,
        onset_removal_margin_db=margin_db,
    )
    heard = listened(vad, far, mic, interrupt, broken_at)
    return [e.sample for e in heard if isinstance(e, SoundOnset)]


def listened(
    vad: SileroVad,
    far: np.ndarray,
    mic: np.ndarray,
    interrupt: InterruptRules | None = None,
    broken_at: int = -1,
) -> list[object]:
    """The sound onsets and speech events the listener publishes for this far end and mic."""
    bus = EventBus(time.monotonic)
    heard = bus.subscribe([SoundOnset, SpeechStarted, SpeechEnded])
    far_ring = SampleRing(far.size + 1)
    far_ring.write(far)
    aec = SpeexAec(AecConfig())
    config = Config()
    capture = SampleRing(RATE)
    capture.broken_at = broken_at
    listener = Listener(
        bus,
        capture,
        far_ring,
        SampleRing(mic.size + 1),
        vad,
        config.speech,
        aec,
        interrupt or config.interrupt,
        step=aec.frame_size,
    )
    vad.reset()
    for end in range(aec.frame_size, mic.size + 1, aec.frame_size):
        listener.clean_frame(mic[end - aec.frame_size : end], end)
    return heard.drain()


def noise(seconds: float, level_db: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(seconds * RATE)) * 10 ** (level_db / 20)).astype(np.float32)


def test_a_callers_quieter_middle_words_do_not_split_their_speech(vad: SileroVad) -> None:
    # "I would like to return order two two five eight": "like to return order two two" comes
    # 12-20 dB under the caller's loud words, in a quiet room; Silero hears every frame
    clip = read_wav(shipped_scenarios() / "clips" / "return-2258.wav", RATE)
    said_at = RATE // 2
    mic = np.concatenate([np.zeros(said_at, np.float32), clip, np.zeros(RATE, np.float32)])
    heard = listened(vad, np.zeros(mic.size, np.float32), mic)
    starts = [e.sample for e in heard if isinstance(e, SpeechStarted)]
    ends = [e.sample for e in heard if isinstance(e, SpeechEnded)]
    assert len(starts) == 1 and len(ends) == 1, (starts, ends)
    last_half_second = said_at + clip.size - RATE // 2
    assert ends[0] > last_half_second, "it ends with the caller's last word"


def test_a_loud_word_of_the_agent_is_not_a_sound_onset_but_the_caller_is(
    vad: SileroVad,
) -> None:
    # the speaker plays on; after two seconds (the canceller has learnt the room) it gets 20 dB
    # louder: the residual of that passes the onset level, with most of it taken out
    far = np.concatenate([noise(2.0, -30.0, 1), noise(1.0, -8.0, 2)])
    mic = echo_of(far, RATE, delay_ms=20, gain_db=-3, reverb_ms=100)
    assert onsets(vad, far, mic, max_removed_db=100.0), "without the limit it is taken for a caller"
    assert onsets(vad, far, mic, max_removed_db=10.0) == []
    # the caller: a burst in the room while the speaker plays on
    burst_at = RATE * 2
    far = noise(3.0, -30.0, 1)
    mic = echo_of(far, RATE, delay_ms=20, gain_db=-3, reverb_ms=100)
    mic[burst_at : burst_at + RATE // 4] += noise(0.25, -20.0, 3)
    found = onsets(vad, far, mic, max_removed_db=10.0)
    assert any(abs(sample - burst_at) <= RATE // 50 for sample in found), found


def test_a_caller_under_a_louder_echo_on_a_linear_path_is_a_sound_onset(vad: SileroVad) -> None:
    # a clocked loopback card: the speaker comes back sample-exact, 40 ms late, at -6 dB, and
    # the canceller takes most of it out; the caller starts 10 dB under that echo
    far = noise(3.0, -10.0, 1)
    mic = echo_of(far, RATE, delay_ms=40, gain_db=-6)
    burst_at = RATE * 2
    mic[burst_at : burst_at + RATE // 4] += noise(0.25, -26.0, 3)
    found = onsets(vad, far, mic)
    assert any(abs(sample - burst_at) <= RATE // 50 for sample in found), found
    # with the fixed limit alone (no margin over the canceller's own removal) it is not
    assert not any(abs(s - burst_at) <= RATE // 50 for s in onsets(vad, far, mic, margin_db=100))


def test_the_cancellers_jump_after_an_xrun_is_not_a_sound_onset(vad: SileroVad) -> None:
    # a clocked loopback card loses a period of the microphone at two seconds (an xrun): from
    # there the echo is a period ahead of its reference, and the residual is loud until the
    # canceller has caught up
    far = noise(3.0, -10.0, 1)
    mic = echo_of(far, RATE, delay_ms=40, gain_db=-6)
    lost_at, period = RATE * 2, RATE // 50
    mic = np.concatenate([mic[:lost_at], mic[lost_at + period :], np.zeros(period, np.float32)])
    near = [s for s in onsets(vad, far, mic) if abs(s - lost_at) <= RATE // 10]
    assert near, "unmarked, the jump looks like a caller"
    assert onsets(vad, far, mic, broken_at=lost_at) == []


def test_each_break_the_callbacks_mark_is_told_once(vad: SileroVad) -> None:
    bus = EventBus(time.monotonic)
    heard = bus.subscribe([DeviceBreak])
    config = Config()
    capture = SampleRing(RATE)
    rings = SampleRing(RATE), SampleRing(RATE)
    listener = Listener(bus, capture, *rings, vad, config.speech, None, config.interrupt, step=320)
    listener.tell_break()  # nothing broken yet
    capture.write(np.zeros(800, np.float32))
    capture.mark_break()  # an xrun flag, as a callback sets it
    capture.write(np.zeros(800, np.float32))
    listener.tell_break()
    listener.tell_break()  # the same break again: told once
    capture.mark_break()
    listener.tell_break()
    assert [e.sample for e in heard.drain() if isinstance(e, DeviceBreak)] == [800, 1600]
