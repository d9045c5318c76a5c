"""Smart Turn on real speech: finished questions heard as complete, and only the last 8 s count."""

from __future__ import annotations

import numpy as np
import pytest

from voicecli.audioformat import CAPTURE_RATE
from voicecli.engines.loader import EngineLoader
from voicecli.engines.turnend import WINDOW_S, SmartTurn
from voicecli.errors import VoicecliError

QUESTIONS = ("What is the capital of France?", "How many days are in a week?")


@pytest.fixture(scope="module")
def smart_turn(loader: EngineLoader) -> SmartTurn:
    try:
        return loader.turn_end()
    except VoicecliError as err:  # a missing model is a set-up failure, never a skip
        pytest.fail(f"{err} (make test runs scripts/setup, which installs the models)")


def then_quiet(audio: np.ndarray, seconds: float = 0.2) -> np.ndarray:
    """Speech and the silence after it, as the VAD hands a pause over."""
    return np.concatenate([audio, np.zeros(int(seconds * CAPTURE_RATE), dtype=np.float32)])


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_finished_question_is_heard_as_complete(smart_turn: SmartTurn, caller, question) -> None:
    assert smart_turn.probability(then_quiet(caller.say(question))) > 0.5


def test_a_sentence_broken_off_sounds_less_finished_than_a_question(
    smart_turn: SmartTurn, caller
) -> None:
    broken = smart_turn.probability(then_quiet(caller.say("I would like to ask about")))
    finished = smart_turn.probability(then_quiet(caller.say(QUESTIONS[0])))
    assert broken < finished


def test_only_the_last_eight_seconds_are_heard(smart_turn: SmartTurn, caller) -> None:
    speech = then_quiet(np.concatenate([caller.say(q) for q in QUESTIONS * 3]))
    assert speech.size > WINDOW_S * CAPTURE_RATE
    before = np.random.default_rng(0).standard_normal(5 * CAPTURE_RATE).astype(np.float32) * 0.1
    assert smart_turn.probability(np.concatenate([before, speech])) == pytest.approx(
        smart_turn.probability(speech), abs=1e-6
    )
