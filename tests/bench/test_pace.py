"""`voicecli bench --pace`: a scenario at a caller's own pace, its turns as written."""

from __future__ import annotations

import pytest

from voicecli.bench.pace import at_pace, pace_waits
from voicecli.bench.scenario import parse_scenario, shipped_scenarios
from voicecli.errors import UsageError

LONG_CALL = shipped_scenarios() / "long" / "long-call.toml"


def test_waits_are_seconds_joined_by_commas() -> None:
    assert pace_waits("5,15,30,45") == (5.0, 15.0, 30.0, 45.0)
    assert pace_waits("2.5") == (2.5,)


@pytest.mark.parametrize("given", ["", "five", "5;15", "-1", "5,,15", "601"])
def test_waits_that_are_not_seconds_are_refused(given: str) -> None:
    with pytest.raises(UsageError, match="--pace"):
        pace_waits(given)


def test_the_long_call_at_pace_waits_in_turn_after_each_reply_and_says_the_same() -> None:
    call = parse_scenario(LONG_CALL)
    paced = at_pace(call, (5.0, 15.0, 30.0, 45.0))
    assert [(t.say, t.text, t.expect, t.start) for t in paced.turns] == [
        (t.say, t.text, t.expect, t.start) for t in call.turns
    ]
    after_reply = [t.delay_s for t in paced.turns if t.start == "after_reply"]
    assert after_reply[:5] == [5.0, 15.0, 30.0, 45.0, 5.0]
    pairs = zip(call.turns, paced.turns, strict=True)
    # a barge-in keeps its moment
    assert all(a.delay_s == b.delay_s for a, b in pairs if a.start != "after_reply")
    assert sum(after_reply) / 60 > 15  # the waits alone make it a call of over 15 minutes
    assert paced.name == "long-call-paced" and paced.tags == call.tags
