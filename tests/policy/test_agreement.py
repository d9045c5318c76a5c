"""LocalAgreement-2 over successive hypotheses of one utterance."""

from __future__ import annotations

from voicecli.policy.agreement import LocalAgreement, lost_words


def test_words_become_stable_when_two_hypotheses_agree() -> None:
    agreement = LocalAgreement()
    first = agreement.update("Where is")
    assert first.stable == () and first.unstable == ("Where", "is")
    second = agreement.update("Where is my order")
    assert second.stable == ("Where", "is") and second.unstable == ("my", "order")
    third = agreement.update("Where is my order number four")
    assert third.stable_text == "Where is my order"
    assert third.unstable_text == "number four"


def test_comparison_ignores_case_and_punctuation() -> None:
    agreement = LocalAgreement()
    agreement.update("where is my order.")
    result = agreement.update("Where is my order, number")
    assert result.stable == ("Where", "is", "my", "order,")


def test_disagreement_stops_the_stable_prefix() -> None:
    agreement = LocalAgreement()
    agreement.update("I want to cancel")
    result = agreement.update("I want to track my order")
    assert result.stable_text == "I want to"
    assert result.unstable_text == "track my order"


def test_stable_prefix_never_shrinks() -> None:
    agreement = LocalAgreement()
    agreement.update("turn on the lights")
    agreement.update("turn on the lights please")
    changed = agreement.update("turn off the lights please now")
    assert changed.stable_text.startswith("turn on the lights"), "committed words stay"
    assert changed.unstable_text == "now"


def test_finalize_takes_the_last_hypothesis_whole() -> None:
    agreement = LocalAgreement()
    agreement.update("what is the")
    final = agreement.finalize("What is the capital of France?")
    assert final.stable_text == "What is the capital of France?" and final.unstable == ()


def test_a_pause_decode_that_lost_words_is_weaker() -> None:
    earlier = ["My", "order", "number", "is", "8"]
    assert lost_words([], ["My", "order"], earlier), "empty after words were heard"
    assert lost_words(["Sig."], ["My", "order"], earlier), "fewer words than were agreed"
    assert not lost_words(["My", "order", "number", "is", "88."], ["My", "order"], earlier)
    assert lost_words([], [], None), "empty although the VAD heard speech: decode it wider"
