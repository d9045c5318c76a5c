"""A bench run on the JACK rig: the same conversation, on a sound card that keeps real time.

`voicecli bench --device jack` runs each scenario through PortAudio on a JACK dummy server (one
server for the whole bench, named for it alone), with the rig (sim/jackrig.py, in a process
of its own: bench/rigprocess.py) as the room: the bench's simulated caller — its echo path,
noise and timing as in the scenario — speaks into the agent's microphone and hears its
speaker, period by period. The caller hangs up (the microphone's input is done) when the
simulator has said everything.

The metrics are the virtual runs' own (bench/metrics.py), measured on the rig's timeline: the
caller's turns where the rig sent them, the agent's voice where the rig heard it. The agent's
events are moved onto that timeline through offsets measured on the signals themselves — the
caller the rig sent against the agent's capture ring, the speaker the rig heard against the
agent's far-end ring — not through the devices' timestamps (which are off by tens of ms on
JACK: audio/echodelay.py).
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from voicecli.audio.ring import SampleRing
from voicecli.audio.wavfile import resample
from voicecli.audioformat import CAPTURE_RATE
from voicecli.bench.metrics import RunRecord
from voicecli.bench.rigprocess import RigProcess, RigRecording
from voicecli.bench.scenario import Scenario
from voicecli.conversation import Conversation, OnEvent, TalkResult
from voicecli.events import Event, ReplyPiece
from voicecli.sim.jackserver import JackServer

RIG_RATE = 48000
CONNECT_TIMEOUT_S = 30.0
CAPTURE_FIELDS = ("sample", "audio_start", "speech_end", "until", "covers_until", "onset_sample")
DEVICE_FIELDS = ("device_sample",)


@contextmanager
def jack_device() -> Iterator[JackServer]:
    """A JACK server that this process's PortAudio takes as its sound card while the block
    runs. PortAudio finds its devices (and connects to the server) when it initialises, so it
    is initialised again with the server's name set, and closed before the server stops (a
    PortAudio still connected to a server that quits waits on it at exit)."""
    import sounddevice

    saved = {k: os.environ.get(k) for k in ("JACK_DEFAULT_SERVER", "JACK_NO_START_SERVER")}
    with JackServer(rate=RIG_RATE) as server:
        os.environ.update({"JACK_DEFAULT_SERVER": server.name, "JACK_NO_START_SERVER": "1"})
        sounddevice._terminate()  # PortAudio looks again (the maintainer's way: sounddevice #125)
        sounddevice._initialize()
        try:
            yield server
        finally:
            sounddevice._terminate()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    sounddevice._initialize()


def run_on_rig(
    conversation: Conversation,
    scenario: Scenario,
    seed: int,
    server: JackServer,
    on_event: OnEvent,
    budget_s: float,
) -> tuple[TalkResult, RigRecording]:
    """Run `conversation` (built on the default sound card) with the scenario's simulated
    caller on the rig, in a process of its own (bench/rigprocess.py)."""
    rig = RigProcess(server.name, scenario, seed, RIG_RATE, CONNECT_TIMEOUT_S)
    rig.start()

    def hang_up_when_done() -> None:
        rig.wait_finished(CONNECT_TIMEOUT_S + budget_s)
        conversation.io.input_done.set()

    def tell_the_caller(event: Event, t0: float) -> None:
        if isinstance(event, ReplyPiece):
            rig.agent_said(event.text)
        on_event(event, t0)

    watcher = threading.Thread(target=hang_up_when_done, name="rig-caller", daemon=True)
    watcher.start()
    try:
        result = conversation.run(tell_the_caller)
    finally:
        recording = rig.stop()
        watcher.join(timeout=CONNECT_TIMEOUT_S)
    if recording.error and not result.error:
        result.error = recording.error
    return result, recording


def ring_offset(agent: SampleRing, rig_signal: np.ndarray, rig_rate: int) -> int | None:
    """Where sample 0 of the rig's 16 kHz timeline falls on one of the agent's 16 kHz rings
    (index in the ring = rig index + offset), from the two signals' cross-correlation."""
    mine = resample(rig_signal, rig_rate, CAPTURE_RATE)
    theirs = agent.read(agent.oldest, agent.written)
    if not mine.any() or not theirs.any():
        return None
    size = 1 << int(np.ceil(np.log2(mine.size + theirs.size)))
    corr = np.fft.irfft(np.fft.rfft(theirs, size) * np.conj(np.fft.rfft(mine, size)), size)
    best = int(np.argmax(corr))
    lag = best if best < size - mine.size else best - size
    return agent.oldest + lag


def rig_record(
    scenario: Scenario,
    pipeline: str,
    repeat: int,
    result: TalkResult,
    rig: RigRecording,
    conversation: Conversation,
) -> RunRecord:
    """The run's record on the rig's timeline (sample 0: the rig's first period with the
    agent connected), so the virtual runs' metrics apply unchanged."""
    io = conversation.io
    rings = conversation.rings
    in_t0 = getattr(io, "t0_in", io.t0)
    out_t0 = getattr(io, "t0_out", io.t0)
    into_capture = ring_offset(rings.capture, rig.sent, rig.rate)
    if into_capture is None:  # nothing was said: the devices' own timestamps must do
        into_capture = round((rig.t0 - in_t0) * CAPTURE_RATE)
    into_far = ring_offset(rings.far, rig.played, rig.rate)
    if into_far is None:  # nothing was played
        into_far = into_capture

    def device_to_rig(sample: int) -> int:
        far_index = (out_t0 + sample / io.out_rate - in_t0) * CAPTURE_RATE
        return round((far_index - into_far) * rig.rate / CAPTURE_RATE)

    def moved(event: Event) -> Event:
        changes: dict[str, int] = {}
        for name in CAPTURE_FIELDS:
            if isinstance(getattr(event, name, None), int):
                changes[name] = getattr(event, name) - into_capture
        for name in DEVICE_FIELDS:
            if isinstance(getattr(event, name, None), int):
                changes[name] = device_to_rig(getattr(event, name))
        return dataclasses.replace(event, **changes) if changes else event

    return RunRecord(
        scenario,
        pipeline,
        repeat,
        rig.placements,
        [moved(e) for e in result.events],
        rig.t0,
        rig.played,
        rig.rate,
    )
