"""A caller asking their own name is told it from what the call established, not by the model."""

from __future__ import annotations

import pytest

from voicecli.policy.commitrules import CommitRules
from voicecli.policy.recall import asks_own_name
from voicecli.terms import Step

ASKING = [
    "Do you remember my name?",
    "What's my name?",
    "what is my name",
    "Who am I?",
    "Can you tell me my name again?",
    "Sorry, what did I say my name was?",
    "Do you know who I am?",
    "Did you catch my name earlier?",
    "You haven't forgotten my name, have you?",
]
NOT_ASKING = [
    "My name is Anna.",
    "Hi, my name's Tom and I have a question.",
    "What's your name?",
    "Who am I speaking with?",
    "Who am I talking to today?",
    "The parcel has my name on it.",
    "Where is my order 4219?",
]


@pytest.mark.parametrize("text", ASKING)
def test_asking_for_ones_own_name_is_recognised(text: str) -> None:
    assert asks_own_name(text)


@pytest.mark.parametrize("text", NOT_ASKING)
def test_other_turns_do_not_ask_for_the_name(text: str) -> None:
    assert not asks_own_name(text)


def test_the_name_given_early_is_said_back_as_the_callers() -> None:
    rules = CommitRules()
    assert rules.decide("Hi, my name is Priya.").step is Step.LLM
    for chatter in ("What is the capital of Japan?", "Thanks, that helps."):
        rules.decide(chatter)
    plan = rules.decide("Do you remember my name?")
    assert plan.step is Step.RECALL and plan.say == "Your name is Priya."


def test_with_no_name_given_the_model_answers() -> None:
    assert CommitRules().decide("What's my name?").step is Step.LLM


def test_a_name_in_a_withdrawn_or_previewed_turn_is_not_kept() -> None:
    rules = CommitRules()
    assert rules.preview("My name is Grace.").step is Step.LLM
    assert rules.decide("What's my name?").step is Step.LLM, "a preview remembers nothing"
    rules.decide("I'm Tomasz.")
    rules.withdraw()
    assert rules.decide("Who am I?").step is Step.LLM, "a withdrawn turn's name is forgotten"
