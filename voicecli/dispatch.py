"""Handlers found by an event's type: a table from event class to function, not a chain of
isinstance tests nor a method named after the event's kind (renaming an event then breaks
loudly at import, instead of silently unhooking its handler)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from voicecli.events import Event

R = TypeVar("R")


class ByType(Generic[R]):
    """Calls the handler registered for an event's class (or its nearest base)."""

    def __init__(self, handlers: dict[type[Event], Callable[[Any], R]]) -> None:
        self.handlers = handlers

    def __call__(self, event: Event) -> R | None:
        for cls in type(event).__mro__:
            handler = self.handlers.get(cls)
            if handler is not None:
                return handler(event)
        return None
