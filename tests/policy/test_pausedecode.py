"""When the pause's decode may skip the beam: never while a number or an order is in the turn."""

from __future__ import annotations

import pytest

from voicecli.policy.pausedecode import needs_careful_decode


@pytest.mark.parametrize(
    "words",
    [
        [],  # nothing heard yet: the pause's decode is the turn's only chance
        ["my", "order", "number", "is"],
        ["it's", "four", "two"],
        ["where", "is", "4219?"],
        ["Could", "you", "check", "Order"],
        ["double", "oh", "seven"],
    ],
)
def test_numbers_and_orders_keep_the_beam(words: list[str]) -> None:
    assert needs_careful_decode(words)


@pytest.mark.parametrize(
    "words",
    [
        ["how", "many", "days", "are", "there", "in", "a", "week?"],
        ["What's", "your", "return", "policy?"],
        ["Thanks,", "that's", "all."],
    ],
)
def test_a_turn_with_no_number_is_decoded_greedily(words: list[str]) -> None:
    assert not needs_careful_decode(words)
