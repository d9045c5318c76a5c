"""Fitting a conversation into the context window: oldest turns first, the question kept."""

from __future__ import annotations

from voicecli.policy.contextfit import fit_messages


def count(messages) -> int:
    return sum(len(m["content"].split()) + 2 for m in messages)


def chat(*texts: str) -> list[dict[str, str]]:
    roles = ["user", "assistant"]
    return [{"role": "system", "content": "be brief"}] + [
        {"role": roles[i % 2], "content": t} for i, t in enumerate(texts)
    ]


def test_a_conversation_that_fits_is_unchanged() -> None:
    messages = chat("hello there", "hi", "what time is it")
    assert fit_messages(messages, count, 100) == messages


def test_the_oldest_turns_go_first_and_it_resumes_on_a_user_turn() -> None:
    messages = chat("one two three four", "five six seven", "eight nine", "ten", "the question")
    fitted = fit_messages(messages, count, 12)
    assert fitted[0]["content"] == "be brief"
    assert fitted[-1]["content"] == "the question"
    assert fitted[1]["role"] == "user"
    assert count(fitted) <= 12


def test_a_monologue_too_long_for_the_window_keeps_its_end() -> None:
    story = " ".join(f"word{i}" for i in range(500)) + " so what is the capital of Italy?"
    fitted = fit_messages(chat(story), count, 60)
    assert count(fitted) <= 60
    content = fitted[-1]["content"]
    assert content.startswith("… ") and content.endswith("what is the capital of Italy?")
