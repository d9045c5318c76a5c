"""Spoken numbers: digit by digit, in pairs, as one number, mixed digits and words."""

from __future__ import annotations

import pytest

from voicecli.policy.numbers import order_number, order_numbers

CASES = {
    "where is my order number four two one nine": "4219",
    "forty two nineteen": "4219",
    "4-2-1-9": "4219",
    "order 4219": "4219",
    "four thousand two hundred nineteen": "4219",
    "double seven three one": "7731",
    "seven seven three one": "7731",
    "My order number is 42. 1, 9.": "4219",
    "My lower number is 4, too. one nine": "4219",
    "Can you check order seven seven three one for me?": "7731",
    "four two, one nine please": "4219",
    "oh eight one five": "0815",
    "one hundred and five": "105",
}


@pytest.mark.parametrize(("text", "digits"), CASES.items())
def test_order_number(text: str, digits: str) -> None:
    assert order_number(text) == digits


def test_several_numbers_stay_apart() -> None:
    assert order_numbers("I have 2 orders, 4219 and 7731") == ["2", "4219", "7731"]
    assert order_number("I have 2 orders, 4219 and 7731") == "4219"


def test_words_that_sound_like_digits_only_count_next_to_digits() -> None:
    assert order_number("I want to return it") is None
    assert order_number("one nine for me") is None, "two digits is not an order number"
    assert order_numbers("one nine for me") == ["19"]


def test_no_number() -> None:
    assert order_number("where is my parcel") is None
    assert order_numbers("") == []
