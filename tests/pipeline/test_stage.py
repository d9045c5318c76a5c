"""The stage loop: events first, then idle work on the newest state; stale reply work dropped."""

from __future__ import annotations

import time

from voicecli.bus import EventBus
from voicecli.events import Event, ReplyPiece, TurnPaused, TurnResumed
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.stage import Stage


class Recorder(Stage):
    """Records what it handles and when it idles; stops at its first idle."""

    def __init__(self, bus: EventBus, generation: Generation | None = None) -> None:
        super().__init__(bus, "recorder", (TurnPaused, TurnResumed, ReplyPiece), generation)
        self.calls: list[str] = []

    def handle(self, event: Event) -> None:
        self.calls.append(event.kind)

    def idle(self) -> None:
        self.calls.append("idle")
        self.stop()


def test_idle_work_waits_until_the_waiting_events_are_handled() -> None:
    bus = EventBus(time.monotonic)
    stage = Recorder(bus)
    for event in (TurnPaused(0.0, 1, 100), TurnResumed(0.1, 1), TurnPaused(0.2, 1, 200)):
        bus.publish(event)
    stage.loop()  # on this thread: no worker is started
    assert stage.calls == ["turn_paused", "turn_resumed", "turn_paused", "idle"]


def test_reply_work_of_a_cancelled_generation_never_reaches_the_handler() -> None:
    bus = EventBus(time.monotonic)
    generation = Generation()
    stage = Recorder(bus, generation)
    old = generation.bump()
    bus.publish(ReplyPiece(0.0, old, 0, "stale", "stale"))
    generation.bump()
    bus.publish(ReplyPiece(0.1, generation.value, 0, "fresh", "fresh"))
    stage.loop()
    assert stage.calls == ["reply_piece", "idle"]
