"""The listener on the real echo canceller and VAD (no threads): its fast sound-onset
detector, and the speech it hears in a caller's clip."""

from __future__ import annotations

import dataclasses
import itertools
import time
from typing import Any

import numpy as np

from voicecli.audio.ring import SampleRing
from voicecli.audio.wavfile import read_wav
from voicecli.bench.scenario import shipped_scenarios
from voicecli.bus import EventBus
from voicecli.config import AecConfig, Config
from voicecli.engines.aec import SpeexAec
from voicecli.engines.vad import SileroVad
from voicecli.events import DeviceBreak, SoundOnset, SpeechEnded, SpeechStarted, VadFrame
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


class CountedVad:
    """The real VAD, counting the frames it scores."""

    def __init__(self, vad: SileroVad) -> None:
        self.vad = vad
        self.scored = 0

    def reset(self) -> None:
        self.vad.reset()

    def __call__(self, frame: np.ndarray) -> float:
        self.scored += 1
        return self.vad(frame)

    def skip(self, frame: np.ndarray) -> None:
        self.vad.skip(frame)


def listener_on(
    bus: EventBus,
    capture: SampleRing,
    far: SampleRing,
    samples: int,
    vad: SileroVad | CountedVad,
    interrupt: InterruptRules,
    **options: Any,
) -> Listener:
    """A listener with the real echo canceller on these rings, its clean ring `samples` long."""
    return Listener(
        bus,
        capture,
        far,
        SampleRing(samples + 1),
        vad,
        Config().speech,
        SpeexAec(AecConfig()),
        interrupt,
        step=AecConfig().frame_samples(RATE),
        **options,
    )


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
    step = AecConfig().frame_samples(RATE)
    config = Config()
    capture = SampleRing(RATE)
    capture.broken_at = broken_at
    listener = listener_on(bus, capture, far_ring, mic.size, vad, interrupt or config.interrupt)
    vad.reset()
    for end in range(step, mic.size + 1, step):
        listener.clean_frame(mic[end - step : end], end)
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


def loop_over(
    vad: SileroVad | CountedVad,
    far: np.ndarray,
    mic: np.ndarray,
    per_vad_frame: bool,
    floor_margin_db: float = 0.0,
) -> tuple[list[tuple[int, float]], list[int], list[int]]:
    """Run the listener's own loop over a whole clip (written and closed beforehand, so it
    ends by itself): the VAD frames (sample, probability) it publishes, the speech events'
    samples, and the capture samples it woke for."""
    bus = EventBus(time.monotonic)
    heard = bus.subscribe([VadFrame, SpeechStarted, SpeechEnded])
    config = Config()
    capture, far_ring = SampleRing(mic.size + 1), SampleRing(far.size + 1)
    capture.write(mic)
    capture.close()
    far_ring.write(far)
    listener = listener_on(
        bus,
        capture,
        far_ring,
        mic.size,
        vad,
        config.interrupt,
        wake_per_vad_frame=per_vad_frame,
        floor_margin_db=floor_margin_db,
    )
    wakes: list[int] = []
    next_wake = listener.next_wake
    listener.next_wake = lambda: wakes.append(next_wake()) or wakes[-1]  # type: ignore[method-assign]
    listener.loop()
    events = heard.drain()
    frames = [(e.sample, e.probability) for e in events if isinstance(e, VadFrame)]
    speech = [e.sample for e in events if isinstance(e, SpeechStarted | SpeechEnded)]
    return frames, speech, wakes


def test_waking_per_vad_frame_while_quiet_hears_the_same_and_wakes_a_third_as_often(
    vad: SileroVad,
) -> None:
    clip = read_wav(shipped_scenarios() / "clips" / "return-2258.wav", RATE)
    mic = np.concatenate([np.zeros(RATE, np.float32), clip, np.zeros(RATE, np.float32)])
    far = np.zeros(mic.size, np.float32)  # nothing plays
    frames, speech, per_frame = loop_over(vad, far, mic, per_vad_frame=False)
    frames_batched, speech_batched, batched = loop_over(vad, far, mic, per_vad_frame=True)
    assert speech and speech_batched == speech
    assert frames_batched == frames  # every VAD frame, its probability, the same
    assert len(batched) < len(per_frame) * 0.4
    # each wake-up ends where a VAD frame is complete: its verdict comes no later
    vad_ends = {sample for sample, _ in frames}
    step = AecConfig().frame_samples(RATE)
    assert all(any(wake - step < end <= wake for end in vad_ends) for wake in batched[:-1])


def test_while_the_speaker_plays_it_wakes_every_canceller_frame(vad: SileroVad) -> None:
    far = np.concatenate([np.zeros(RATE, np.float32), noise(1.0, -20.0, 1)])
    mic = echo_of(far, RATE, delay_ms=20, gain_db=-6)
    _, _, wakes = loop_over(vad, far, mic, per_vad_frame=True)
    step = AecConfig().frame_samples(RATE)
    playing = [b - a for a, b in itertools.pairwise(wakes) if a > RATE + step]
    quiet = [b - a for a, b in itertools.pairwise(wakes) if b < RATE]
    assert playing and set(playing) == {step}
    assert quiet and min(quiet) > step


def test_frames_at_a_quiet_rooms_floor_are_not_scored_and_the_caller_is_heard_the_same(
    vad: SileroVad,
) -> None:
    clip = read_wav(shipped_scenarios() / "clips" / "return-2258.wav", RATE)
    speech = np.concatenate([np.zeros(4 * RATE, np.float32), clip, np.zeros(2 * RATE, np.float32)])
    for room_db in (-60.0, -40.0):  # a quiet room, and a fan 20 dB louder
        mic = speech + noise(speech.size / RATE, room_db, 7)
        far = np.zeros(mic.size, np.float32)
        every, floor = CountedVad(vad), CountedVad(vad)
        frames, heard, _ = loop_over(every, far, mic, per_vad_frame=True)
        _, heard_floor, _ = loop_over(floor, far, mic, per_vad_frame=True, floor_margin_db=1.0)
        # the same start and end, give or take a frame: a frame not scored does not move the
        # VAD's recurrent state, so the caller's first frames meet an older one
        assert len(heard) == 2 and len(heard_floor) == 2, (room_db, heard, heard_floor)
        assert all(abs(a - b) <= 512 for a, b in zip(heard, heard_floor, strict=True)), room_db
        assert every.scored == len(frames)
        # most frames that could be left are: the room is known after half its window, and
        # no frame of the caller's speech is left
        room_known = Config().caller_level.room_frames // 2
        could = len(frames) - room_known - (heard[1] - heard[0]) // 512
        assert every.scored - floor.scored > could * 0.75, (room_db, floor.scored, could)


def test_nothing_is_left_unscored_while_the_speaker_plays(vad: SileroVad) -> None:
    far = noise(4.0, -20.0, 1)
    mic = echo_of(far, RATE, delay_ms=20, gain_db=-6) + noise(4.0, -60.0, 2)
    counted = CountedVad(vad)
    frames, _, _ = loop_over(counted, far, mic, per_vad_frame=True, floor_margin_db=20.0)
    assert counted.scored == len(frames)


def test_without_the_canceller_too_nothing_is_left_unscored_while_the_speaker_plays(
    vad: SileroVad,
) -> None:
    # a headset (--no-aec): the voice never reaches the mic, but the far end still says it plays
    far, mic = noise(4.0, -20.0, 1), noise(4.0, -60.0, 2)
    bus = EventBus(time.monotonic)
    frames = bus.subscribe([VadFrame])
    capture, far_ring = SampleRing(mic.size + 1), SampleRing(far.size + 1)
    capture.write(mic)
    capture.close()
    far_ring.write(far)
    counted = CountedVad(vad)
    config = Config()
    listener = Listener(
        bus, capture, far_ring, SampleRing(mic.size + 1), counted, config.speech, None,
        config.interrupt, step=AecConfig().frame_samples(RATE), floor_margin_db=20.0,
    )  # fmt: skip
    listener.loop()
    assert counted.scored == len(frames.drain()) > 100
