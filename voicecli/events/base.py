"""The kinds of event: the base every event has, and the four kinds it comes in."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class Event:
    """Base of all events."""

    t: float
    kind: ClassVar[str] = "event"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.kind = _snake(cls.__name__)

    def to_dict(self) -> dict[str, Any]:
        """The event as plain data (enums as their values), for the session log."""
        return {"kind": self.kind, **_plain(dataclasses.asdict(self))}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Fact(Event):
    """Something that happened."""


@dataclass(frozen=True)
class Command(Event):
    """Work asked of one stage."""


@dataclass(frozen=True)
class Telemetry(Event):
    """A measurement: for the panel, the session log and the bench."""


@dataclass(frozen=True)
class Lifecycle(Event):
    """The session starting, ending or failing."""


@dataclass(frozen=True)
class ReplyFact(Fact):
    """Something that happened to reply generation `gen`."""

    gen: int


@dataclass(frozen=True)
class ReplyProgress(ReplyFact):
    """What the reply in flight learns from: its writer, its voice and the playout ring."""


@dataclass(frozen=True)
class ReplyCommand(Command):
    """Work for reply generation `gen`: dropped unread once that generation is cancelled."""

    gen: int
