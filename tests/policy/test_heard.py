"""The heard-text cursor: history holds only what the speaker has played."""

from __future__ import annotations

from voicecli.policy.heard import Span, heard_text, words_played

SPANS = [
    Span(0, "Your order is delayed,", 0, 1000),
    Span(1, "but it should arrive tomorrow.", 1000, 3000),
    Span(2, "I can text the link.", 3000, 4000),
]


def test_nothing_heard_before_playout() -> None:
    heard = heard_text(SPANS, 0)
    assert heard.text == "" and not heard.finished


def test_finished_spans_are_heard_whole() -> None:
    heard = heard_text(SPANS, 1000)
    assert heard.text == "Your order is delayed,"
    assert heard.complete_pieces == 1 and heard.partial_words == 0


def test_playing_span_is_heard_in_proportion_to_word_length() -> None:
    # half of "but it should arrive tomorrow." (31 weighted characters): "should" ends at 14
    heard = heard_text(SPANS, 2000)
    assert heard.text == "Your order is delayed, but it should"
    assert heard.partial_words == 3


def test_a_word_counts_once_its_middle_has_played() -> None:
    words = ["a", "Whiskers", "cat"]  # weights 2, 9, 4 of 15
    assert words_played(words, 0.0) == 0
    assert words_played(words, 1.0 / 15) == 1  # the middle of "a"
    assert words_played(words, 6.0 / 15) == 1  # "Whiskers" is not half said yet
    assert words_played(words, 7.0 / 15) == 2
    assert words_played(words, 1.0) == 3


def test_everything_heard_at_the_end() -> None:
    heard = heard_text(SPANS, 4000)
    assert heard.finished
    assert heard.text == " ".join(s.text for s in SPANS)


def test_no_spans() -> None:
    heard = heard_text([], 500)
    assert heard.text == "" and not heard.finished


def test_the_playing_span_is_cut_at_the_synthesis_word_times() -> None:
    # "Once upon a time, there" with a long comma pause after "time," (1060 to 1420)
    times = ((50, 220), (280, 530), (580, 620), (670, 1060), (1420, 1730))
    span = Span(0, "Once upon a time, there", 0, 1800, times)
    assert heard_text([span], 400).text == "Once"  # "upon" (280-530) is not half said
    assert heard_text([span], 410).text == "Once upon"
    assert heard_text([span], 850).text == "Once upon a"  # "time," is said 670-1060
    assert heard_text([span], 870).text == "Once upon a time,"
    assert heard_text([span], 1500).text == "Once upon a time,"  # the pause, "there" begun


def test_times_that_do_not_fit_the_words_fall_back_to_letters() -> None:
    span = Span(0, "Your order is delayed,", 0, 1000, ((0, 100), (100, 200)))
    assert heard_text([span], 1000 * 14 // 23).text == "Your order is"
