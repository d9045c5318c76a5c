"""A threadless reducer's shell: one event in at a given clock time, a list of outputs out.

The conversation core is one. This holds what any such reducer needs — the time of the event
being handled, the outputs it gives (in order), and the table from event type to handler —
so that the core's module holds only the conversation's rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from voicecli.dispatch import ByType
from voicecli.events import Event

Out = TypeVar("Out")


class Reducer(Generic[Out]):
    """Events in, outputs out; a handler per event type; the clock handed in with each event."""

    def __init__(self, handlers: dict[type[Event], Callable[[Any], None]]) -> None:
        self.now = 0.0
        self._out: list[Out] = []
        self._handlers: ByType[None] = ByType(handlers)

    @property
    def inputs(self) -> tuple[type[Event], ...]:
        """The event types it takes in (the stage running it subscribes to these)."""
        return tuple(self._handlers.handlers)

    def handle(self, event: Event, now: float) -> list[Out]:
        """Take in one event at clock time `now`; returns what to publish and do, in order."""
        self.now = now
        self._out = []
        self._handlers(event)
        return self._out

    def emit(self, output: Out) -> None:
        self._out.append(output)

    def emit_all(self, outputs: list[Out]) -> None:
        self._out.extend(outputs)
