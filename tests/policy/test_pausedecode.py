"""When the pause's decode may skip the beam: never while a number or an order is in the turn,
nor when Whisper was unsure or the reading is unfinished."""

from __future__ import annotations

import pytest

from voicecli.policy.pausedecode import greedy_stands, needs_careful_decode


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


SURE = -0.5


@pytest.mark.parametrize(
    ("text", "logprob"),
    [
        ("How many days are there in a week?", -0.2),
        ("Thanks, that's all.", -0.45),
    ],
)
def test_a_plain_sure_reading_stands_without_the_beam(text: str, logprob: float) -> None:
    assert greedy_stands(text, logprob, SURE)


@pytest.mark.parametrize(
    ("text", "logprob"),
    [
        ("", -0.1),  # nothing heard: the beam and its retries
        ("Where is order 4219?", -0.1),  # a number: the beam reads them better
        ("How long does she think take?", -0.72),  # Whisper was unsure (a tune clip's misreading)
        ("My whole job is", -0.2),  # reads unfinished: it waits long enough for the beam
    ],
)
def test_a_number_an_unsure_or_an_unfinished_reading_goes_to_the_beam(
    text: str, logprob: float
) -> None:
    assert not greedy_stands(text, logprob, SURE)
