"""A caller's own pace: the same call, with other waits before each next question.

`voicecli bench --pace 5,15,30,45` runs each scenario as written except for how long the
caller waits after a reply before speaking again: every turn that starts after the agent's
reply takes the next wait of the list, in turn, round and round. So the 5-minute long call
becomes a 20-minute one (people read, check, think between questions) without a second copy
of its turns to keep in step.
"""

from __future__ import annotations

import dataclasses

from voicecli.bench.scenario import Scenario
from voicecli.errors import UsageError

MAX_WAIT_S = 600.0  # ten minutes of silence between two questions is already a new call


def pace_waits(given: str) -> tuple[float, ...]:
    """`--pace 5,15,30,45`: the waits in seconds, each from 0 to MAX_WAIT_S."""
    try:
        waits = tuple(float(part) for part in given.split(","))
    except ValueError:
        waits = ()
    if not waits or not all(0.0 <= wait <= MAX_WAIT_S for wait in waits):
        raise UsageError(
            f"--pace {given!r}: give the caller's waits after a reply in seconds, from 0 to "
            f"{MAX_WAIT_S:.0f}, joined by ',' (5,15,30,45)"
        )
    return waits


def at_pace(scenario: Scenario, waits: tuple[float, ...]) -> Scenario:
    """`scenario` with its after-reply waits taken from `waits` in turn (named for it)."""
    turns = []
    taken = 0
    for turn in scenario.turns:
        if turn.start == "after_reply":
            turn = dataclasses.replace(turn, delay_s=waits[taken % len(waits)])
            taken += 1
        turns.append(turn)
    label = ",".join(f"{wait:g}" for wait in waits)
    return dataclasses.replace(
        scenario,
        name=f"{scenario.name}-paced",
        turns=tuple(turns),
        description=f"{scenario.description} (the caller waits {label} s after replies)",
    )
