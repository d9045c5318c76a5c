"""Speakable normalisation: numbers, money, times, symbols and markdown read aloud."""

from __future__ import annotations

import pytest

from voicecli.policy.speakable import speakable

CASES = [
    ("Your order 4219 is delayed.", "Your order four two one nine is delayed."),
    ("It costs $12.50.", "It costs twelve dollars and fifty cents."),
    ("Only $1 today", "Only one dollar today"),
    ("Meet at 5:30 pm", "Meet at five thirty p m"),
    ("Call at 7:05", "Call at seven oh five"),
    ("Open at 9:00", "Open at nine o'clock"),
    ("In 2026 we grew", "In twenty twenty-six we grew"),
    ("We sold 1,234 units", "We sold one thousand two hundred and thirty-four units"),
    ("It is 50% off", "It is fifty percent off"),
    ("The 3rd one", "The third one"),
    ("Pi is 3.14", "Pi is three point one four"),
    ("Rock & roll", "Rock and roll"),
    ("It is 20°C", "It is twenty degrees Celsius"),
    ("I have 12 apples", "I have twelve apples"),
    ("Dial 0800", "Dial zero eight zero zero"),
    ("**Sure!** Here is `code`", "Sure! Here is code"),
    ("- milk\n- eggs", "milk. eggs."),
    ("# Title\nSome text.", "Title. Some text."),
    ("See https://example.com/x for more", "See a link for more"),
    ("Great 😀 news", "Great news"),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_speakable(text: str, spoken: str) -> None:
    assert speakable(text) == spoken


def test_plain_text_is_unchanged() -> None:
    assert speakable("The capital of France is Paris.") == "The capital of France is Paris."
