"""The event bus: one publish point, a queue per subscriber, filtered by event type.

Control travels here; audio does not (it goes through ring buffers). Publishing never blocks;
each stage reads its own queue on its own thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable

from voicecli.events import Event


class Subscription:
    """A subscriber's queue of events of the types it asked for."""

    def __init__(self, types: tuple[type[Event], ...] | None, name: str) -> None:
        self.types = types
        self.name = name
        self.queue: queue.Queue[Event | None] = queue.Queue()
        self.closed = False

    def wants(self, event: Event) -> bool:
        return self.types is None or isinstance(event, self.types)

    def get(self, timeout: float | None = None) -> Event | None:
        """The next event; None when the bus closed or the timeout passed."""
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def waiting(self, match: Callable[[Event], bool]) -> bool:
        """Whether an event that `match`es is waiting, not yet taken (a stage busy with long
        work can ask whether what it works for still holds)."""
        with self.queue.mutex:
            return any(event is not None and match(event) for event in self.queue.queue)

    def drain(self) -> list[Event]:
        """Every event waiting now, without blocking."""
        events = []
        while True:
            try:
                event = self.queue.get_nowait()
            except queue.Empty:
                return events
            if event is not None:
                events.append(event)


class EventBus:
    """Fan-out of events to subscriptions; safe to publish from any thread."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._subs: list[Subscription] = []
        self._lock = threading.Lock()

    def now(self) -> float:
        """The one clock, in seconds."""
        return self.clock()

    def subscribe(
        self, types: Iterable[type[Event]] | None = None, name: str = "subscriber"
    ) -> Subscription:
        sub = Subscription(tuple(types) if types is not None else None, name)
        with self._lock:
            self._subs.append(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)

    def publish(self, event: Event) -> None:
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            if sub.wants(event):
                sub.queue.put(event)

    def close(self) -> None:
        """Wake every subscriber with None: the session is over."""
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            sub.closed = True
            sub.queue.put(None)
