"""The store's knowledge rows: a keyword names a topic in its forms, not in words it begins."""

from __future__ import annotations

import pytest

from voicecli.policy.knowledge import inflects, topic_of
from voicecli.tools.orders import OrderStore

ROWS = OrderStore.with_sample().knowledge()


@pytest.mark.parametrize(
    ("said", "word"),
    [
        ("closed", "close"),
        ("closing", "close"),
        ("shipping", "ship"),
        ("shipped", "ship"),
        ("refunds", "refund"),
        ("opening", "open"),
        ("delivered", "deliver"),
        ("exchanges", "exchange"),
    ],
)
def test_a_form_of_the_keyword_is_the_keyword(said: str, word: str) -> None:
    assert inflects(said, word)


@pytest.mark.parametrize(
    ("said", "word"),
    [("closest", "close"), ("opener", "open"), ("cashier", "cash"), ("today", "to")],
)
def test_another_word_the_keyword_begins_is_not(said: str, word: str) -> None:
    assert not inflects(said, word)


def test_a_question_about_the_nearest_thing_is_not_about_closing_time() -> None:
    assert topic_of("What is the closest planet to the Earth?", ROWS) is None
    row = topic_of("When do you close on Fridays?", ROWS)
    assert row is not None and row.topic == "hours"
