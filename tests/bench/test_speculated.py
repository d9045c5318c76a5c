"""The bench's reading of speculation off a run's events: used, dropped (why, what it cost),
none; a dropped reply that played is counted, so the bench can show it never does."""

from __future__ import annotations

from voicecli.bench.speculated import Speculated, speculated
from voicecli.events import (
    ReplyDone,
    ReplyRequest,
    SpanPlaying,
    SpeculationEnded,
    TtsChunk,
)
from voicecli.terms import SpeculationOutcome

USED, DROPPED = SpeculationOutcome.USED, SpeculationOutcome.DROPPED


def held(gen: int, t: float, done_t: float, synth_ms: float) -> list:
    return [
        ReplyRequest(t, gen, 1, held=True),
        TtsChunk(t + 0.1, gen, 0, 4000, synth_ms),
        ReplyDone(done_t, gen, "It is noon.", 1, 5, False),
    ]


def test_a_used_reply_after_one_dropped_reports_both_and_the_waste() -> None:
    events = [
        *held(1, 1.0, 1.3, 40.0),
        SpeculationEnded(1.35, 1, 1, DROPPED, "the caller went on"),
        *held(2, 2.0, 2.2, 30.0),
        SpeculationEnded(2.4, 2, 1, USED, ""),
    ]
    got = speculated(events, {1}, gen=2)
    assert got.outcome == "used" and got.dropped_reasons == ["the caller went on"]
    assert got.dropped_work_ms == 340.0, "300 ms writing and 40 ms voicing the dropped one"
    assert got.dropped_spans_played == 0


def test_a_dropped_reply_that_played_is_counted() -> None:
    events = [
        *held(1, 1.0, 1.3, 40.0),
        SpanPlaying(1.4, 1, 0, 0),
        SpeculationEnded(1.5, 1, 1, DROPPED, "the committed turn differs"),
    ]
    got = speculated(events, {1}, gen=2)
    assert got.outcome == "dropped" and got.dropped_spans_played == 1


def test_no_reply_made_early_is_none_and_other_turns_do_not_count() -> None:
    events = [*held(1, 1.0, 1.3, 40.0), SpeculationEnded(1.5, 1, 7, DROPPED, "x")]
    assert speculated(events, {1}, gen=2) == Speculated()
