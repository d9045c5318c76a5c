"""The thread every pipeline stage runs on: read its events, do its work, report failures."""

from __future__ import annotations

import threading
import traceback

from voicecli.bus import EventBus, Subscription
from voicecli.events import Event, ReplyCommand, ReplyFact, StageError
from voicecli.pipeline.generation import Generation


class Stage(threading.Thread):
    """A named worker thread with its own bus subscription.

    Subclasses implement `handle(event)` and optionally `idle()`, called once the events that
    are waiting have been handled (so it acts on the newest state: a pause the caller has
    already ended is not decoded) and, in a stage that polls (`tick()` not None: `tick_s`, or
    what the stage needs now), every tick when nothing arrives. A stage without a tick sleeps
    until an event comes: a thread that woke fifty times a second for nothing cost idle CPU.
    The stage ends when the bus closes or `stop()` is called (both wake it).
    An exception is published as StageError (the session ends the run) instead of dying silently.
    A stage that does reply work is given the generation counter: reply events of a cancelled
    generation are dropped here, before `handle` sees them, and `cancelled(gen)` is the signal
    that work already under way must stop.
    """

    tick_s: float | None = None

    def __init__(
        self,
        bus: EventBus,
        name: str,
        types: tuple[type[Event], ...] | None,
        generation: Generation | None = None,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.bus = bus
        self.generation = generation
        self.inbox: Subscription | None = bus.subscribe(types, name) if types is not None else None
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()
        if self.inbox is not None:
            self.inbox.queue.put(None)

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self) -> None:
        try:
            self.setup()
            self.loop()
        except Exception as err:  # any failure ends the run with a report, never a hang
            detail = traceback.format_exception_only(type(err), err)[-1].strip()
            self.bus.publish(StageError(self.bus.now(), self.name, detail))
            self.failure = traceback.format_exc()
        finally:
            if self.inbox is not None:
                self.bus.unsubscribe(self.inbox)

    failure = ""

    def setup(self) -> None:
        """Work to do on the stage's own thread before the first event."""

    def loop(self) -> None:
        assert self.inbox is not None
        while not (self.stopping or self.inbox.closed):
            event = self.inbox.get(timeout=self.tick())
            if event is not None and self.current(event):
                self.handle(event)
            if self.inbox.queue.empty():  # idle work acts on the newest state, not a stale one
                self.idle()

    def tick(self) -> float | None:
        """How long to wait for an event before the idle work: `tick_s` (None: no idle work
        now, sleep until an event)."""
        return self.tick_s

    def current(self, event: Event) -> bool:
        """False for reply work of a generation that has been cancelled (it is dropped)."""
        if self.generation is None or not isinstance(event, ReplyCommand | ReplyFact):
            return True
        return self.generation.is_current(event.gen)

    def cancelled(self, gen: int) -> threading.Event:
        """Set once reply generation `gen` is cancelled (never, without a counter)."""
        return self.generation.cancelled(gen) if self.generation else threading.Event()

    def handle(self, event: Event) -> None:
        """React to one event."""

    def idle(self) -> None:
        """Periodic work (polling rings, timers)."""
