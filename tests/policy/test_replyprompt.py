"""Whisper's prompt from the agent's reply: only for turns that open after a reply heard out."""

from __future__ import annotations

from voicecli.policy.replyprompt import ReplyPrompt


def test_a_turn_after_a_reply_heard_out_is_prompted_with_its_last_words() -> None:
    prompt = ReplyPrompt(words=5)
    assert prompt.for_new_turn() == "", "nothing said yet"
    prompt.reply_started()
    prompt.reply_ended("Sure. Which order number is it?", interrupted=False)
    assert prompt.for_new_turn() == "Which order number is it?"


def test_a_turn_that_opens_over_the_reply_gets_no_prompt() -> None:
    prompt = ReplyPrompt(words=20)
    prompt.reply_started()
    prompt.reply_ended("Which order number is it?", interrupted=False)
    prompt.reply_started()  # the next reply plays: a turn now holds its echo
    assert prompt.for_new_turn() == ""
    prompt.reply_ended("Once upon a time there was a big cat", interrupted=True)
    assert prompt.for_new_turn() == "", "a reply cut off was not heard out"


def test_no_words_no_prompt() -> None:
    prompt = ReplyPrompt(words=0)
    prompt.reply_ended("Which order number is it?", interrupted=False)
    assert prompt.for_new_turn() == ""
