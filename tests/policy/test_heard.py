"""The heard-text cursor: history holds only what the speaker has played."""

from __future__ import annotations

from voicecli.policy.heard import Span, heard_text

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


def test_playing_span_is_heard_in_proportion() -> None:
    heard = heard_text(SPANS, 2000)  # half of "but it should arrive tomorrow."
    assert heard.text == "Your order is delayed, but it"
    assert heard.partial_words == 2


def test_everything_heard_at_the_end() -> None:
    heard = heard_text(SPANS, 4000)
    assert heard.finished
    assert heard.text == " ".join(s.text for s in SPANS)


def test_no_spans() -> None:
    heard = heard_text([], 500)
    assert heard.text == "" and not heard.finished
