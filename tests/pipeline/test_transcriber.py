"""The transcriber stage without a thread or a model: a pause whose caller went on is not
worth a decode's retries (a fake recogniser reports what it was told)."""

from __future__ import annotations

import time

import numpy as np

from voicecli.audio.ring import SampleRing
from voicecli.audioformat import CAPTURE_RATE
from voicecli.bus import EventBus
from voicecli.config import SttConfig, TranscriberConfig
from voicecli.engines.stt import Transcript as Heard
from voicecli.events import (
    PauseDraft,
    TranscribeRequest,
    Transcript,
    TurnDiscarded,
    TurnOpened,
    TurnPaused,
    TurnResumed,
)
from voicecli.pipeline.transcriber import Transcriber
from voicecli.policy.hallucination import HallucinationRules


class AskingRecogniser:
    """Hears "four" and, like a decode whose first pass looked wrong, asks whether a retry is
    still wanted; says whether it skipped it."""

    def __init__(self) -> None:
        self.config = SttConfig()
        self.asked: list[bool] = []
        self.draft_text = "For."  # its greedy reading, when asked for one
        self.draft_logprob = -0.2
        self.drafted = False

    def transcribe(self, audio, prompt="", cut=True, words=None, fallback=True, beam_size=None,
                   wanted=None, draft=None) -> Heard:  # fmt: skip
        self.drafted = draft is not None
        if draft is not None:
            draft(Heard(self.draft_text, avg_logprob=self.draft_logprob, decode_ms=40.0))
        still = wanted() if wanted is not None else True
        self.asked.append(still)
        return Heard("Four.", fallback_reason="" if still else "length", retry_skipped=not still)


def paused_turn(
    caller_went_on: bool,
    config: TranscriberConfig | None = None,
    draft: tuple[str, float] = ("For.", -0.2),
) -> tuple[Transcriber, AskingRecogniser, list[Transcript | PauseDraft]]:
    """A turn of 1.5 s paused at its end; the caller's resumption waiting or not; the pause's
    decode run (idle) before that waiting event is handled."""
    bus = EventBus(time.monotonic)
    clean = SampleRing(10 * CAPTURE_RATE)
    clean.write(np.zeros(2 * CAPTURE_RATE, dtype=np.float32))
    stt = AskingRecogniser()
    stt.draft_text, stt.draft_logprob = draft
    config = config or TranscriberConfig()
    stage = Transcriber(bus, clean, stt, config, HallucinationRules())
    heard = bus.subscribe((Transcript, PauseDraft), "test")
    stage.handle(TurnOpened(0.0, 1, 0))
    stage.handle(TurnPaused(1.5, 1, int(1.5 * CAPTURE_RATE)))
    if caller_went_on:
        bus.publish(TurnResumed(1.7, 1))  # waits in the stage's inbox during the decode
    stage.idle()
    return stage, stt, [e for e in heard.drain() if isinstance(e, Transcript | PauseDraft)]


def test_the_pause_decode_keeps_its_retries_while_the_caller_is_quiet() -> None:
    _, stt, published = paused_turn(caller_went_on=False)
    assert stt.asked == [True]
    assert [t.final for t in published if isinstance(t, Transcript)] == [True]


def test_a_pause_the_caller_went_on_from_is_published_as_an_interim() -> None:
    _, stt, published = paused_turn(caller_went_on=True)
    assert stt.asked == [False], "the recogniser was told the retry is not wanted"
    finals = [t.final for t in published if isinstance(t, Transcript)]
    assert finals == [False], "a commit may not read it as the pause's"


DRAFTING = TranscriberConfig(pause_draft=True)


def test_the_pause_decode_publishes_its_greedy_draft_first() -> None:
    _, _, published = paused_turn(False, DRAFTING)
    draft, decoded = published
    assert isinstance(draft, PauseDraft) and isinstance(decoded, Transcript)
    assert (draft.turn, draft.text, draft.covers_until) == (1, "For.", int(1.5 * CAPTURE_RATE))
    assert decoded.text == "Four." and decoded.final


def test_no_draft_when_it_is_switched_off_or_the_guard_takes_it_for_invented() -> None:
    _, stt, published = paused_turn(False, TranscriberConfig(pause_draft=False))
    assert not stt.drafted and not any(isinstance(e, PauseDraft) for e in published)
    _, stt, published = paused_turn(False, DRAFTING, draft=("Thank you.", -2.0))  # unsure
    assert stt.drafted and not any(isinstance(e, PauseDraft) for e in published)


class GreedyFirstRecogniser:
    """Hears `interim` while the caller speaks; a pause's decode reads `greedy` first when given
    the draft hook (and keeps it if the hook says it stands), else `beam`. Records the beam
    widths asked for and whether the hook was given."""

    def __init__(self, interim: tuple[str, float], greedy: tuple[str, float]) -> None:
        self.config = SttConfig()
        self.interim, self.greedy = interim, greedy
        self.beam_text = "What is the capital of Frans?"
        self.asked: list[tuple[int | None, bool]] = []

    def transcribe(self, audio, prompt="", cut=True, words=None, fallback=True, beam_size=None,
                   wanted=None, draft=None) -> Heard:  # fmt: skip
        self.asked.append((beam_size, draft is not None))
        if beam_size is None:
            return Heard(self.interim[0], avg_logprob=self.interim[1])
        reading = Heard(self.greedy[0], avg_logprob=self.greedy[1])
        if draft is not None and draft(reading):
            return reading
        return Heard(self.beam_text, avg_logprob=-0.3)


QUESTION = "What is the capital of France?"


def quick_pause(
    interim: tuple[str, float], greedy: tuple[str, float], quick: bool = True
) -> tuple[GreedyFirstRecogniser, Transcript]:
    """A turn heard once while the caller speaks, then paused and decoded."""
    bus = EventBus(time.monotonic)
    clean = SampleRing(10 * CAPTURE_RATE)
    clean.write(np.zeros(2 * CAPTURE_RATE, dtype=np.float32))
    stt = GreedyFirstRecogniser(interim, greedy)
    stage = Transcriber(
        bus, clean, stt, TranscriberConfig(quick_pause_decode=quick), HallucinationRules()
    )
    heard = bus.subscribe((Transcript,), "test")
    stage.handle(TurnOpened(0.0, 1, 0))
    stage.handle(TranscribeRequest(1.0, 1, int(1.0 * CAPTURE_RATE), final=False))
    stage.handle(TurnPaused(1.5, 1, int(1.5 * CAPTURE_RATE)))
    stage.idle()
    finals = [e for e in heard.drain() if isinstance(e, Transcript) and e.final]
    assert len(finals) == 1
    return stt, finals[0]


def test_a_quick_pause_keeps_a_plain_sure_greedy_reading_and_skips_the_beam() -> None:
    stt, decoded = quick_pause(("What is the capital of", -0.2), (QUESTION, -0.25))
    assert stt.asked[-1] == (5, True), "the beam's width, with the greedy reading first"
    assert decoded.text == QUESTION and decoded.logprob == -0.25, "how sure the reading kept was"


def test_a_quick_pause_whose_greedy_reading_holds_a_number_or_is_unsure_reads_the_beam() -> None:
    for greedy in (("What is order 42?", -0.1), (QUESTION, -0.9)):
        _, decoded = quick_pause(("What is the capital of", -0.2), greedy)
        assert decoded.text == "What is the capital of Frans?" and decoded.logprob == -0.3


def test_the_pause_goes_straight_to_the_beam_after_an_unsure_or_numbered_interim() -> None:
    for interim in (("What is the capital of", -0.9), ("My order is 4", -0.1)):
        stt, decoded = quick_pause(interim, (QUESTION, -0.1))
        assert stt.asked[-1] == (5, False) and decoded.text == "What is the capital of Frans?"
    stt, _ = quick_pause(("What is the capital of", -0.2), (QUESTION, -0.1), quick=False)
    assert stt.asked[-1] == (5, False), "quick pause decodes switched off"


class ScriptedRecogniser:
    """Hands out the readings it was given, one per decode, in order."""

    def __init__(self, readings: list[Heard]) -> None:
        self.config = SttConfig()
        self.readings = readings

    def transcribe(self, audio, prompt="", cut=True, words=None, fallback=True, beam_size=None,
                   wanted=None, draft=None) -> Heard:  # fmt: skip
        return self.readings.pop(0)


def test_an_interim_that_loops_to_nothing_does_not_wipe_what_earlier_passes_heard() -> None:
    """A slow caller's "It's 3381" (the holdout, session 42): the second interim looped and was
    cut to nothing, then the pause's decode looped on both windows; the turn must keep the first
    interim's words, not be dropped as "nothing said"."""
    bus = EventBus(time.monotonic)
    clean = SampleRing(10 * CAPTURE_RATE)
    clean.write(np.zeros(3 * CAPTURE_RATE, dtype=np.float32))
    looped = Heard("", fallback_reason="repetition")
    padded = Heard("", window="padded", fallback_reason="repetition")
    stt = ScriptedRecogniser([Heard("It is free from the street."), looped, padded])
    stage = Transcriber(bus, clean, stt, TranscriberConfig(), HallucinationRules())
    heard = bus.subscribe((Transcript,), "test")
    stage.handle(TurnOpened(0.0, 1, 0))
    for until_s in (1.0, 2.0):
        stage.handle(TranscribeRequest(until_s, 1, int(until_s * CAPTURE_RATE), final=False))
    stage.handle(TurnPaused(2.5, 1, int(2.5 * CAPTURE_RATE)))
    stage.idle()
    published = [e for e in heard.drain() if isinstance(e, Transcript)]
    assert [t.text for t in published] == ["It is free from the street."] * 2
    assert [t.final for t in published] == [False, True]


def test_a_sure_plain_interim_that_heard_the_whole_pause_is_published_as_its_transcript() -> None:
    bus = EventBus(time.monotonic)
    clean = SampleRing(10 * CAPTURE_RATE)
    clean.write(np.zeros(2 * CAPTURE_RATE, dtype=np.float32))
    stt = GreedyFirstRecogniser((QUESTION, -0.2), (QUESTION, -0.2))
    config = TranscriberConfig(quick_pause_decode=True)
    stage = Transcriber(bus, clean, stt, config, HallucinationRules())
    heard = bus.subscribe((Transcript,), "test")
    stage.handle(TurnOpened(0.0, 1, 0))
    stage.handle(TranscribeRequest(1.6, 1, int(1.6 * CAPTURE_RATE), final=False))
    stage.handle(TurnPaused(1.6, 1, int(1.5 * CAPTURE_RATE)))
    stage.idle()
    stage.idle()
    published = [e for e in heard.drain() if isinstance(e, Transcript)]
    assert [(t.text, t.final) for t in published] == [(QUESTION, False), (QUESTION, True)]
    assert published[-1].covers_until == int(1.5 * CAPTURE_RATE)
    assert published[-1].logprob == -0.2, "as sure as the interim that stands for the pause"
    assert stt.asked == [(None, False)], "no second pass over the same audio"


def test_an_interim_near_enough_the_pause_stands_for_its_decode() -> None:
    """An interim that heard the speech up to `interim_near_s` of the pause stands for the
    pause's decode; one further from it, or with no nearness allowed, does not."""
    for near, interim_end, stands in ((0.15, 1.4, True), (0.15, 1.3, False), (0.0, 1.4, False)):
        bus = EventBus(time.monotonic)
        clean = SampleRing(10 * CAPTURE_RATE)
        clean.write(np.zeros(2 * CAPTURE_RATE, dtype=np.float32))
        stt = GreedyFirstRecogniser((QUESTION, -0.2), (QUESTION, -0.2))
        config = TranscriberConfig(quick_pause_decode=True, interim_near_s=near)
        stage = Transcriber(bus, clean, stt, config, HallucinationRules())
        heard = bus.subscribe((Transcript,), "test")
        stage.handle(TurnOpened(0.0, 1, 0))
        stage.handle(TranscribeRequest(1.6, 1, int(interim_end * CAPTURE_RATE), final=False))
        stage.handle(TurnPaused(1.6, 1, int(1.5 * CAPTURE_RATE)))
        stage.idle()
        published = [e for e in heard.drain() if isinstance(e, Transcript)]
        assert published[-1].final and published[-1].covers_until == int(1.5 * CAPTURE_RATE)
        passes = len(stt.asked)
        assert passes == (1 if stands else 2), (near, interim_end, stt.asked)


def test_it_polls_the_ring_only_while_a_turn_is_open() -> None:
    stage = Transcriber(
        EventBus(time.monotonic),
        SampleRing(CAPTURE_RATE),
        AskingRecogniser(),
        TranscriberConfig(),
        HallucinationRules(),
    )
    assert stage.tick() is None  # between turns: asleep until an event
    stage.handle(TurnOpened(0.0, 1, 0))
    assert stage.tick() == stage.tick_s
    stage.handle(TurnDiscarded(1.0, 1, "a cough"))
    assert stage.tick() is None
