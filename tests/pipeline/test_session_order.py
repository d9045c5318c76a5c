"""A session's first event is `session_started`, whatever its stages publish at once.

The session log is read from its first line: a stage that published before the session was
announced (the listener's first VAD frame, on a fast device) put that event first, and the
log no longer said which models and rates it was recorded with before its data.
"""

from __future__ import annotations

import time

import numpy as np

from voicecli.audio.playout import PlayoutRing
from voicecli.audio.ring import SampleRing
from voicecli.audio.virtual import FileSignal, VirtualIO
from voicecli.audioformat import CAPTURE_RATE
from voicecli.bus import EventBus
from voicecli.conversation import Conversation, Rings
from voicecli.events import Event, SessionStarted, SpeechStarted
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.stage import Stage


class EagerStage(Stage):
    """A stage that publishes the moment its thread starts."""

    def setup(self) -> None:
        self.bus.publish(SpeechStarted(self.bus.now(), 0, 0))


def test_nothing_a_stage_publishes_comes_before_session_started() -> None:
    bus = EventBus(time.monotonic)
    rings = Rings(*(SampleRing(CAPTURE_RATE) for _ in range(3)))
    playout = PlayoutRing(22050, 22050)
    silence = FileSignal(np.zeros(CAPTURE_RATE // 10, dtype=np.float32))
    io = VirtualIO(rings.capture, playout, silence, far=rings.far)
    stages: list[Stage] = [EagerStage(bus, f"eager-{n}", types=()) for n in range(4)]
    conversation = Conversation(
        bus, io, playout, rings, Generation(), stages, "streaming", {}, max_seconds=5.0
    )
    seen: list[Event] = []
    conversation.run(lambda event, t0: seen.append(event))
    assert isinstance(seen[0], SessionStarted), [type(e).__name__ for e in seen[:3]]
    assert sum(isinstance(e, SpeechStarted) for e in seen) == len(stages)
