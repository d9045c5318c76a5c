"""Fitting a sentence to the voice's kept memory: parts that fit, cut where speech pauses."""

from __future__ import annotations

from voicecli.policy.piecefit import fit_parts


def letters(text: str) -> int:
    return len(text.replace(" ", ""))


def test_a_sentence_that_fits_is_one_part() -> None:
    text = "Your order left this morning."
    assert fit_parts(text, letters, 100) == [text]


def test_every_part_fits_and_together_they_are_the_sentence() -> None:
    text = " ".join(f"word{i}" for i in range(40))
    parts = fit_parts(text, letters, 30)
    assert len(parts) > 1
    assert all(letters(p) <= 30 for p in parts)
    assert " ".join(parts) == text


def test_the_cut_is_after_a_clause_mark_near_the_middle() -> None:
    text = "It left the warehouse this morning in a van, and it should reach you by noon tomorrow."
    parts = fit_parts(text, letters, 60)
    assert parts == [
        "It left the warehouse this morning in a van,",
        "and it should reach you by noon tomorrow.",
    ]


def test_a_clause_mark_far_from_the_middle_is_not_used() -> None:
    text = "Well, the order left the warehouse this morning and should reach you by noon tomorrow."
    parts = fit_parts(text, letters, 60)
    assert parts[0] != "Well,"
    assert len(parts) == 2 and abs(len(parts[0].split()) - len(parts[1].split())) <= 1


def test_a_word_too_long_alone_is_its_own_part() -> None:
    parts = fit_parts("a " + "x" * 50 + " b", letters, 10)
    assert parts == ["a", "x" * 50, "b"]
