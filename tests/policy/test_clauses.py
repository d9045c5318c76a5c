"""Clause flusher: a short first piece, later pieces at clause boundaries, no cut numbers."""

from __future__ import annotations

from voicecli.policy.clauses import ClauseFlusher, FlushRules, cut_whole


def stream(tokens: list[str], rules: FlushRules | None = None) -> list[tuple[int, str]]:
    """(index of the token that released the piece, piece); -1 for pieces released by finish."""
    flusher = ClauseFlusher(rules)
    out = []
    for i, token in enumerate(tokens):
        out += [(i, piece) for piece in flusher.push(token)]
    return out + [(-1, piece) for piece in flusher.finish()]


TOKENS = [
    "Your",
    " order",
    " 4",
    "2",
    "1",
    "9",
    " is",
    " delayed",
    ",",
    " but",
    " it",
    " should",
    " arrive",
    " tomorrow",
    ".",
    " I",
    " can",
    " text",
    " you",
    " the",
    " tracking",
    " link",
    ".",
]


def test_pieces_join_back_to_the_whole_reply() -> None:
    pieces = [p for _, p in stream(TOKENS)]
    assert " ".join(pieces) == "".join(TOKENS)


def test_first_piece_is_released_at_the_first_safe_clause() -> None:
    out = stream(TOKENS, FlushRules(first_max_words=7))
    index, piece = out[0]
    assert piece == "Your order 4219 is delayed,"
    assert index == TOKENS.index(" but"), "released as soon as the comma is followed by a space"


def test_the_shipped_first_piece_is_two_words_at_most() -> None:
    index, piece = stream(TOKENS)[0]
    assert piece == "Your order"
    assert index == TOKENS.index(" 4"), "released as soon as its second word is known whole"


def test_the_shipped_first_piece_ends_at_a_clause_mark_after_one_word() -> None:
    tokens = ["Sure", ",", " I", " can", " help", " with", " that", "."]
    out = stream(tokens)
    assert out[0] == (tokens.index(" I"), "Sure,")
    assert " ".join(p for _, p in out) == "".join(tokens)


def test_the_shipped_first_piece_does_not_end_on_a_weak_word() -> None:
    tokens = ["The", " capital", " of", " France", " is", " Paris", "."]
    out = stream(tokens)
    assert out[0] == (tokens.index(" of"), "The capital")
    assert [p for _, p in out[1:]] == ["of France is Paris."]


def test_first_piece_is_cut_at_a_word_boundary_when_no_punctuation_comes() -> None:
    tokens = [
        " The",
        " weather",
        " in",
        " the",
        " city",
        " of",
        " London",
        " will",
        " be",
        " cloudy",
        " and",
        " mild",
        " today",
        ".",
    ]
    out = stream(tokens)
    first = out[0][1]
    assert len(first.split()) <= FlushRules().first_max_words
    assert first.split()[-1].lower() not in {"the", "of", "and", "in"}
    assert out[0][0] < len(tokens) - 1, "the first piece must not wait for the sentence end"


def test_decimal_point_and_abbreviation_are_not_boundaries() -> None:
    tokens = ["It", " costs", " 3", ".", "50", " now", ",", " says", " Mr", ".", " Smith", "."]
    pieces = [p for _, p in stream(tokens, FlushRules(first_max_words=20))]
    assert pieces == ["It costs 3.50 now,", "says Mr. Smith."]


def test_short_sentence_is_a_piece_of_its_own() -> None:
    pieces = [p for _, p in stream(["Sure", ".", " Paris", " is", " the", " capital", "."])]
    assert pieces == ["Sure.", "Paris is the capital."]


def test_later_commas_need_more_words() -> None:
    tokens = ["Yes", ".", " Red", ",", " green", ",", " and", " blue", " are", " colours", "."]
    pieces = [p for _, p in stream(tokens, FlushRules(first_max_words=3))]
    assert pieces == ["Yes.", "Red, green, and blue are colours."]


def test_long_runs_grow_piece_by_piece() -> None:
    words = [f" w{i}" for i in range(60)]
    pieces = [p for _, p in stream(words)]
    sizes = [len(p.split()) for p in pieces]
    assert sizes[0] <= 7 and sizes[1] <= 14 and max(sizes) <= 20
    assert sum(sizes) == 60


def test_empty_stream_gives_nothing() -> None:
    assert stream([]) == []
    assert stream(["  "]) == []


def test_list_numbers_are_not_sentences() -> None:
    tokens = ["Steps", ":", " 1", ".", " Preheat", " the", " oven", ".", " 2", ".", " Mix", "."]
    pieces = [p for _, p in stream(tokens)]
    assert "1." not in pieces and "2." not in pieces
    assert " ".join(pieces) == "Steps: 1. Preheat the oven. 2. Mix."


HOURS = (
    "We're open Monday to Friday from 9 am to 6 pm and Saturday from 10 am to 4 pm. "
    "We're closed on Sundays and public holidays."
)


def test_a_reply_known_whole_is_cut_as_it_would_be_streamed() -> None:
    pieces = cut_whole(HOURS)
    assert pieces[0] == "We're open", "a long first sentence is not kept whole"
    assert " ".join(pieces) == HOURS
    streamed = [p for _, p in stream([w + " " for w in HOURS.split()])]
    assert pieces == streamed


def test_a_whole_reply_ends_on_its_last_sentence_not_a_cut_word() -> None:
    pieces = cut_whole("I can't find an order 1234. Could you read me the number again?")
    assert pieces[-1] == "Could you read me the number again?"
    assert cut_whole("Okay, I won't.") == ["Okay,", "I won't."]
    assert cut_whole("") == []
