"""The caller simulator against ground truth: speech end and first playout sample within 20 ms."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from voicecli.audio.playout import PlayoutRing
from voicecli.audio.ring import SampleRing
from voicecli.audio.virtual import FileSignal, VirtualIO
from voicecli.audio.wavfile import write_wav
from voicecli.audioformat import CAPTURE_RATE
from voicecli.bench.clips import insert_pauses, prepare, speech_bounds
from voicecli.bench.metrics import RunRecord, Timeline
from voicecli.bench.scenario import Caller, Scenario, Turn
from voicecli.bench.simulator import CallerSimulator

OUT = 22050
LEAD_S, SPEECH_S, TAIL_S = 0.3, 1.0, 0.4


def burst(seconds: float, rate: int = CAPTURE_RATE, level: float = 0.3) -> np.ndarray:
    """A voiced-like harmonic burst of exactly `seconds`, with 5 ms fades."""
    t = np.arange(int(seconds * rate)) / rate
    signal = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((180, 360, 540, 720), 1))
    fade = int(0.005 * rate)
    envelope = np.ones_like(t)
    envelope[:fade] = np.linspace(0, 1, fade)
    envelope[-fade:] = np.linspace(1, 0, fade)
    return (level * signal * envelope / 2).astype(np.float32)


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    audio = np.concatenate(
        [
            np.zeros(int(LEAD_S * CAPTURE_RATE)),
            burst(SPEECH_S),
            np.zeros(int(TAIL_S * CAPTURE_RATE)),
        ]
    )
    path = tmp_path / "burst.wav"
    write_wav(path, audio.astype(np.float32), CAPTURE_RATE)
    return path


def test_speech_bounds_of_a_clip_with_known_speech(clip: Path) -> None:
    prepared = prepare(clip, ())
    assert prepared.onset_s == pytest.approx(LEAD_S, abs=0.02)
    assert prepared.end_s == pytest.approx(LEAD_S + SPEECH_S, abs=0.02)


def test_pauses_shift_the_speech_end(clip: Path) -> None:
    prepared = prepare(clip, ((0.8, 0.7),))
    assert prepared.end_s == pytest.approx(LEAD_S + SPEECH_S + 0.7, abs=0.02)
    audio, placed = insert_pauses(np.ones(CAPTURE_RATE, np.float32), ((0.5, 0.25),))
    assert audio.size == int(1.25 * CAPTURE_RATE) and placed == ((0.5, 0.25),)
    assert speech_bounds(np.zeros(CAPTURE_RATE, np.float32)) == (0.0, 1.0)


def test_simulated_speech_end_and_first_playout_sample_match_truth(clip: Path) -> None:
    """Run the virtual devices in real time: the caller speaks, then an 'agent' plays a tone."""
    scenario = Scenario(
        name="accuracy",
        path=clip.parent / "s.toml",
        turns=(Turn(audio=clip, text="", start="at", delay_s=0.5),),
        caller=Caller(),
    )
    capture = SampleRing(CAPTURE_RATE * 10)
    playout = PlayoutRing(OUT * 10, OUT)
    simulator = CallerSimulator(scenario, OUT)
    io = VirtualIO(capture, playout, simulator)
    io.start()
    try:
        # the agent answers once 2.5 s of mic audio exist: a tone that starts where it starts
        assert capture.wait_for(int(2.5 * CAPTURE_RATE), timeout=10)
        playout.write(burst(0.5, OUT), gen=1, piece=0, text="tone")
        playout.end_reply()
        assert capture.wait_for(int(4.0 * CAPTURE_RATE), timeout=10)
    finally:
        io.stop()
    [placement] = simulator.placements
    truth_end = 0.5 + LEAD_S + SPEECH_S
    assert placement.end_s == pytest.approx(truth_end, abs=0.02)
    mic_onset, mic_end = speech_bounds(io.mic())
    assert mic_end == pytest.approx(truth_end, abs=0.02), "the mic heard the clip where placed"
    assert mic_onset == pytest.approx(0.5 + LEAD_S, abs=0.02)

    [span] = playout.state().spans
    truth_first = span.device_start / OUT
    [reply] = simulator.replies
    assert reply.start_s == pytest.approx(truth_first, abs=0.02)
    line = Timeline(RunRecord(scenario, "streaming", 0, [placement], [], 0.0, io.played(), OUT))
    first = line.first_sound_from(placement.end_s)
    assert first == pytest.approx(truth_first, abs=0.02)


def test_echo_and_noise_are_mixed_into_the_mic(clip: Path) -> None:
    scenario = Scenario(
        name="echo",
        path=clip.parent / "s.toml",
        turns=(Turn(audio=clip, text="", start="at", delay_s=5.0),),
        caller=Caller(echo_gain_db=-6.0, echo_delay_ms=40.0, noise_dbfs=-60.0),
    )
    simulator = CallerSimulator(scenario, OUT)
    block_out = OUT // 50
    tone = burst(0.2, OUT)
    heard = []
    for k in range(25):  # 0.5 s of 20 ms blocks: the speaker plays a tone in the first 0.2 s
        played = tone[k * block_out : (k + 1) * block_out]
        played = np.pad(played, (0, block_out - played.size))
        heard.append(simulator.read(k * 320, 320, played))
    mic = np.concatenate(heard)
    onset, _ = speech_bounds(mic)
    assert onset == pytest.approx(0.04, abs=0.015), "the echo arrives after the echo delay"
    quiet = mic[int(0.35 * CAPTURE_RATE) :]
    level = 20 * np.log10(np.sqrt(np.mean(quiet**2)))
    assert level == pytest.approx(-60.0, abs=1.5), "the noise floor is at noise_dbfs"


def test_the_echo_keeps_its_delay_after_the_speaker_history_has_wrapped(clip: Path) -> None:
    """The simulator keeps the speaker only as far back as the echo reaches (a ring, not the
    whole call): a reply late in a call echoes exactly as one at its start."""
    scenario = Scenario(
        name="echo",
        path=clip.parent / "s.toml",
        turns=(Turn(audio=clip, text="", start="at", delay_s=60.0),),
        caller=Caller(echo_gain_db=-6.0, echo_delay_ms=40.0),
    )
    simulator = CallerSimulator(scenario, OUT)
    block_out = OUT // 50
    quiet_blocks = 150  # 3 s of silence: more than the history holds
    tone = burst(0.2, OUT)
    heard = []
    for k in range(quiet_blocks + 25):
        at = (k - quiet_blocks) * block_out
        played = tone[at : at + block_out] if at >= 0 else np.zeros(0, np.float32)
        played = np.pad(played, (0, block_out - played.size))
        heard.append(simulator.read(k * 320, 320, played))
    mic = np.concatenate(heard)[quiet_blocks * 320 :]
    onset, _ = speech_bounds(mic)
    assert onset == pytest.approx(0.04, abs=0.015)


def test_speaker_and_mic_stay_on_one_timeline_when_a_block_is_not_whole_samples() -> None:
    """10 ms at 22050 Hz is 220.5 samples: the virtual speaker alternates 220 and 221, so what
    it played (and the echo canceller's reference) never drifts from the mic's timeline."""
    ticks = itertools.count(0.0, 1.0)  # a clock always past every deadline: no pacing waits
    capture, far = SampleRing(CAPTURE_RATE * 10), SampleRing(CAPTURE_RATE * 10)
    playout = PlayoutRing(OUT * 10, OUT)
    io = VirtualIO(
        capture,
        playout,
        FileSignal(np.zeros(CAPTURE_RATE * 3, np.float32)),
        clock=lambda: next(ticks),
        block_s=0.01,
        far=far,
    )
    io.start()
    try:
        assert capture.wait_for(CAPTURE_RATE * 2, timeout=10)
    finally:
        io.stop()
    blocks = io.mic().size // 160
    assert io.mic().size == blocks * 160
    assert io.played().size == round(blocks * 220.5)
    assert abs(far.written - capture.written) <= 1, "the far end is on the mic's timeline"


@pytest.mark.parametrize(
    ("reply", "answered"),
    [("Order 4711 — is that right?", True), ("Your order 4711 is shipped.", False)],
)
def test_a_when_asked_turn_is_said_only_after_that_question(
    clip: Path, reply: str, answered: bool
) -> None:
    """The caller answers the agent's read-back only when the agent read a number back."""
    turns = (
        Turn(audio=clip, start="at", delay_s=0.0),
        Turn(audio=clip, start="after_reply", delay_s=0.2, when_asked="is that right"),
    )
    sim = CallerSimulator(Scenario(name="s", path=Path("s.toml"), turns=turns), OUT)
    silence = np.zeros(0, dtype=np.float32)
    sim.read(0, 1600, silence)
    assert len(sim.placements) == 1
    sim.agent_said(reply)  # the reply's text is known before its audio plays
    played = np.zeros(int(4.0 * OUT), dtype=np.float32)
    played[int(1.6 * OUT) : int(2.4 * OUT)] = 0.2  # the reply after the caller, then quiet
    sim.read(1600, int(3.0 * CAPTURE_RATE), played)
    sim.read(int(3.1 * CAPTURE_RATE), int(1.0 * CAPTURE_RATE), np.zeros(int(1.0 * OUT), np.float32))
    assert len(sim.placements) == (2 if answered else 1)
    assert sim.finished(int(10 * CAPTURE_RATE)) is True
