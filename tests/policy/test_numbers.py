"""Spoken numbers: digit by digit, in pairs, as one number, mixed digits and words."""

from __future__ import annotations

import pytest

from voicecli.policy.numbers import (
    Reading,
    ends_on_a_whole_order,
    one_edit_apart,
    order_number,
    order_numbers,
    pick,
    readings,
)

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
    "seven seven free one": "7731",  # th-fronted "three"
    "Could you look up order 3.007 for me?": "3007",  # "three double oh seven" as a decimal
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
    assert order_number("Is shipping free for 2 items?") is None


def test_no_number() -> None:
    assert order_number("where is my parcel") is None
    assert order_numbers("") == []


@pytest.mark.parametrize(
    ("heard", "store", "digits", "guessed"),
    [
        ("order 4219", {"4219"}, "4219", False),
        ("order for 711", {"4711"}, "4711", True),  # "four seven one one"
        ("order for 711", {"9999"}, "711", False),  # nothing close: as heard
        ("order 4, um, 219", {"4219"}, "4219", False),  # a filler inside the number
        ("order 20 2 58", {"2258"}, "2258", False),  # "twenty two fifty eight"
        ("order 20 to 58", {"2258"}, "2258", True),
        ("order 20-58", {"2258", "4219"}, "2258", True),  # a digit lost: the one close order
        ("order 4210", {"4219", "4211"}, "4210", False),  # two are close: ask, don't guess
        ("my order is 4219 too", {"4219"}, "4219", True),
        ("Order, um, seven seven, uh, free one.", {"7731"}, "7731", False),
    ],
)
def test_readings_are_checked_against_the_store(heard, store, digits, guessed) -> None:
    chosen = pick(readings(heard), frozenset(store))
    assert chosen is not None and (chosen.digits, chosen.guessed) == (digits, guessed)


def test_without_a_store_the_literal_reading_counts() -> None:
    assert pick(readings("order for 711"), None) == Reading("711")
    assert pick(readings("no number here"), frozenset({"4219"})) is None


def test_one_edit_apart() -> None:
    assert one_edit_apart("2058", "2258") and one_edit_apart("258", "2258")
    assert one_edit_apart("22580", "2258") and not one_edit_apart("2258", "2258")
    assert not one_edit_apart("2058", "2288") and not one_edit_apart("25", "2258")


def test_double_before_digits_doubles_the_first() -> None:
    assert order_number("Double 731.") == "7731"
    assert order_number("double seven three one") == "7731"


def test_a_number_read_whole_names_an_order_only_at_the_end_of_the_words() -> None:
    orders = frozenset({"8812", "4219", "29340"})
    assert ends_on_a_whole_order("My order number is 8, 8, 1, 2,", orders)
    assert ends_on_a_whole_order("It's four two one nine.", orders)
    assert ends_on_a_whole_order("two nine three four, um, zero", orders)
    assert ends_on_a_whole_order("29340", orders)
    assert not ends_on_a_whole_order("My order number is 8, 8, 1,", orders)  # not all of it
    assert not ends_on_a_whole_order("Order 4219 and", orders)  # more to come
    assert not ends_on_a_whole_order("It is 2934", orders | {"2934"})  # 29340 begins with it
    assert not ends_on_a_whole_order("It is 5120.", orders)  # no such order
