"""Valid ranges of configuration values, declared on the dataclass field that holds each value.

A tunable is declared once, with its type, its default and its range:
`complete_silence_s: float = within(0.25, 0.05, 10.0, "s")`. The config loader reads the
range from the field and names it in the error when a value falls outside it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

BOUNDS_KEY = "bounds"


@dataclass(frozen=True)
class Bounds:
    """A closed range [lo, hi] for a number, or a set of allowed strings."""

    lo: float | None = None
    hi: float | None = None
    unit: str = ""
    choices: tuple[str, ...] = ()
    nonempty: bool = False

    def admits(self, value: Any) -> bool:
        if self.choices:
            return value in self.choices
        if isinstance(value, str):
            return bool(value.strip()) or not self.nonempty
        if isinstance(value, bool) or not isinstance(value, int | float):
            return True
        if value != value:  # NaN is never in range
            return False
        return (self.lo is None or value >= self.lo) and (self.hi is None or value <= self.hi)

    def describe(self) -> str:
        """The range in words, for an error message: 'it takes 0.05 to 10 s'."""
        if self.choices:
            return "it takes one of: " + ", ".join(self.choices)
        if self.nonempty:
            return "it must not be empty"
        unit = f" {self.unit}" if self.unit else ""
        if self.lo is not None and self.hi is not None:
            return f"it takes {_num(self.lo)} to {_num(self.hi)}{unit}"
        if self.lo is not None:
            return f"it takes {_num(self.lo)}{unit} or more"
        return f"it takes at most {_num(self.hi)}{unit}"


def _num(value: float | None) -> str:
    return f"{value:g}" if value is not None else ""


def within(default: Any, lo: float | None, hi: float | None, unit: str = "") -> Any:
    """A dataclass field holding a number that must lie in [lo, hi]."""
    return dataclasses.field(default=default, metadata={BOUNDS_KEY: Bounds(lo, hi, unit)})


def one_of(default: str, *choices: str) -> Any:
    """A dataclass field holding one of a few strings."""
    return dataclasses.field(default=default, metadata={BOUNDS_KEY: Bounds(choices=choices)})


def nonempty(default: str) -> Any:
    """A dataclass field holding a string that must not be blank."""
    return dataclasses.field(default=default, metadata={BOUNDS_KEY: Bounds(nonempty=True)})


def bounds_of(field: dataclasses.Field[Any]) -> Bounds | None:
    """The range declared on a field, if any."""
    return field.metadata.get(BOUNDS_KEY)
