"""WER normalisation: numbers said any way compare equal, a wrong number is one error."""

from __future__ import annotations

import pytest

from voicecli.wer import normalize_words, word_error_rate


@pytest.mark.parametrize(
    "said",
    [
        "where is order four two one nine",
        "Where is order 4219?",
        "where is order forty-two nineteen",
        "Where is order 42. 1, 9?",
    ],
)
def test_a_number_said_any_way_is_the_same_word(said: str) -> None:
    assert normalize_words(said) == ["where", "is", "order", "4219"]
    assert word_error_rate(["where is order four two one nine"], [said]) == 0.0


def test_a_wrong_number_is_one_error() -> None:
    assert word_error_rate(
        ["check order twenty two fifty eight"], ["Check order 2058."]
    ) == pytest.approx(1 / 3)


def test_punctuation_case_and_abbreviations() -> None:
    assert normalize_words("Mr. Dashwood's ten-of-clubs!") == [
        "mister",
        "dashwood's",
        "10",
        "of",
        "clubs",
    ]


def test_contractions_and_hesitations_are_written_either_way() -> None:
    assert normalize_words("Um, it's 5120.") == normalize_words("it is five one two oh")
    assert word_error_rate(["where's my parcel"], ["Where is my parcel?"]) == 0.0
