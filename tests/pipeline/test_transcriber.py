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
from voicecli.events import Transcript, TurnOpened, TurnPaused, TurnResumed
from voicecli.pipeline.transcriber import Transcriber
from voicecli.policy.hallucination import HallucinationRules


class AskingRecogniser:
    """Hears "four" and, like a decode whose first pass looked wrong, asks whether a retry is
    still wanted; says whether it skipped it."""

    def __init__(self) -> None:
        self.config = SttConfig()
        self.asked: list[bool] = []

    def transcribe(self, audio, prompt="", cut=True, words=None, fallback=True, beam_size=None,
                   wanted=None) -> Heard:  # fmt: skip
        still = wanted() if wanted is not None else True
        self.asked.append(still)
        return Heard("Four.", fallback_reason="" if still else "length", retry_skipped=not still)


def paused_turn(caller_went_on: bool) -> tuple[Transcriber, AskingRecogniser, list[Transcript]]:
    """A turn of 1.5 s paused at its end; the caller's resumption waiting or not; the pause's
    decode run (idle) before that waiting event is handled."""
    bus = EventBus(time.monotonic)
    clean = SampleRing(10 * CAPTURE_RATE)
    clean.write(np.zeros(2 * CAPTURE_RATE, dtype=np.float32))
    stt = AskingRecogniser()
    stage = Transcriber(bus, clean, stt, TranscriberConfig(), HallucinationRules())
    heard = bus.subscribe((Transcript,), "test")
    stage.handle(TurnOpened(0.0, 1, 0))
    stage.handle(TurnPaused(1.5, 1, int(1.5 * CAPTURE_RATE)))
    if caller_went_on:
        bus.publish(TurnResumed(1.7, 1))  # waits in the stage's inbox during the decode
    stage.idle()
    return stage, stt, [e for e in heard.drain() if isinstance(e, Transcript)]


def test_the_pause_decode_keeps_its_retries_while_the_caller_is_quiet() -> None:
    _, stt, published = paused_turn(caller_went_on=False)
    assert stt.asked == [True]
    assert [t.final for t in published] == [True]


def test_a_pause_the_caller_went_on_from_is_published_as_an_interim() -> None:
    _, stt, published = paused_turn(caller_went_on=True)
    assert stt.asked == [False], "the recogniser was told the retry is not wanted"
    assert [t.final for t in published] == [False], "a commit may not read it as the pause's"
