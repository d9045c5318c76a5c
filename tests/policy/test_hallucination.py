"""The guard against Whisper's inventions: what it drops and what it must keep."""

from __future__ import annotations

import pytest

from voicecli.policy.hallucination import HallucinationRules, is_hallucination

RULES = HallucinationRules()


@pytest.mark.parametrize("text", ["29340", "293-4-0", "2 9 3 4 0", "8142.", "512 0"])
def test_a_number_said_on_its_own_is_words(text: str) -> None:
    assert not is_hallucination(text, 0.58, -0.5, 1.4, RULES)


@pytest.mark.parametrize("text", ["", "...", " - ", "?!"])
def test_a_hypothesis_without_words_or_digits_is_nothing_said(text: str) -> None:
    assert is_hallucination(text, 0.1, -0.2, 1.4, RULES)


def test_stock_phrases_are_dropped_when_unsure_or_short() -> None:
    assert is_hallucination("Thank you.", 0.1, -0.7, 2.0, RULES)
    assert is_hallucination("Bye.", 0.1, -0.2, 0.3, RULES)
    assert not is_hallucination("Thank you.", 0.1, -0.2, 2.0, RULES)


def test_the_model_saying_no_speech_and_unsure_drops_a_number_too() -> None:
    assert is_hallucination("4219", 0.8, -1.2, 1.0, RULES)
    assert is_hallucination("4219", 0.1, -1.7, 1.0, RULES)
