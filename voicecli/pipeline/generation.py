"""The generation counter: cancelling a reply is bumping the counter.

Every piece of reply work is stamped with the generation it belongs to; a stage drops work
whose generation is no longer current, and a long-running call (LLM streaming) watches the
Event that is set when its generation is superseded.
"""

from __future__ import annotations

import threading


class Generation:
    """A monotonically increasing reply generation, safe to read from any thread."""

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()
        self._cancelled: dict[int, threading.Event] = {}

    @property
    def value(self) -> int:
        return self._value

    def is_current(self, gen: int) -> bool:
        return gen == self._value

    def bump(self) -> int:
        """Start a new generation; everything stamped with an older one is cancelled."""
        return self.advance(self._value + 1)

    def advance(self, gen: int) -> int:
        """Generation `gen` (if newer) is current; everything stamped older is cancelled."""
        with self._lock:
            if gen > self._value:
                for event in self._cancelled.values():
                    event.set()
                self._cancelled.clear()
                self._value = gen
            return self._value

    def cancelled(self, gen: int) -> threading.Event:
        """An Event that is (or becomes) set once `gen` is no longer current."""
        with self._lock:
            event = threading.Event()
            if gen != self._value:
                event.set()
            else:
                self._cancelled.setdefault(gen, event)
                event = self._cancelled[gen]
            return event
