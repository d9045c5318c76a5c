"""History: committed user turns and heard assistant text only."""

from __future__ import annotations

import itertools

from voicecli.policy.history import History, Message


def test_messages_start_with_the_system_prompt() -> None:
    history = History("be brief")
    history.add_user("hi")
    history.add_assistant("hello")
    assert history.messages() == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
    ]


def test_pending_user_text_is_not_stored() -> None:
    history = History("s")
    chat = history.messages(pending_user="where is my")
    assert chat[-1] == {"role": "user", "content": "where is my"}
    assert history.turns == []


def test_withdrawn_user_turn_leaves_history() -> None:
    history = History("s")
    history.add_user("my order number is four two")
    assert history.withdraw_user() == "my order number is four two"
    assert history.turns == []
    assert history.withdraw_user() is None


def test_unheard_reply_is_not_recorded_and_interrupted_one_is_marked() -> None:
    history = History("s")
    history.add_assistant("   ")
    assert history.turns == []
    history.add_assistant("Your order is", interrupted=True)
    assert history.turns[-1]["content"] == "Your order is —"


def test_the_window_is_trimmed_in_one_step_and_never_starts_with_the_agent() -> None:
    history = History("s", max_turns=3, keep_turns=1)
    for i in range(3):
        history.add_user(f"u{i}")
        assert not history.add_assistant(f"a{i}")
    history.add_user("u3")
    assert history.add_assistant("a3")  # four caller turns: trimmed to the last one
    assert [m["content"] for m in history.messages()] == ["s", "u3", "a3"]
    assert history.caller_turns() == 1


def test_an_hour_of_turns_holds_no_more_than_the_window() -> None:
    history = History("s", max_turns=3, keep_turns=1)
    for i in range(500):
        history.add_user(f"u{i}", facts=("a fact",))
        history.add_assistant(f"a{i}")
    assert len(history.turns) <= 3 * 3  # each caller turn: its facts, itself, the reply
    assert history.turns[-1]["content"] == "a499"


def prompts_of_a_long_call(history: History, turns: int) -> list[tuple[list[Message], bool]]:
    """Each turn's prompt (made before the commit, as a prefill is) and whether the reply
    before it trimmed the window."""
    prompts = []
    trimmed = False
    for i in range(turns):
        said = f"My name is Anna, question {i}." if i == 0 else f"Question {i}?"
        facts = ("Shipping takes three days.",) if i % 3 == 0 else ()
        prompts.append((history.messages(pending_user=said, facts=facts), trimmed))
        history.add_user(said, facts)
        if i == 2:
            history.facts.tool_done("get_order_status", "4219", False, {"status": "delayed"})
        trimmed = history.add_assistant(f"Answer {i}.")
    return prompts


def test_each_prompt_extends_the_one_before_except_at_a_trim() -> None:
    """The KV cache keeps the longest common prefix: a prompt that extends the last one costs
    only its new turns. That holds on every turn but the one after a trim."""
    history = History("Be brief.", max_turns=5, keep_turns=2)
    prompts = prompts_of_a_long_call(history, 24)
    trims = 0
    for (before, _), (after, trimmed) in itertools.pairwise(prompts):
        # the pending turn is the last message: the next prompt holds it, then more
        assert after[: len(before)] == before or trimmed
        trims += trimmed
    assert trims == history.trims >= 4


def test_pinned_facts_survive_a_trim_and_change_only_there() -> None:
    history = History("Be brief.", max_turns=5, keep_turns=2)
    prompts = prompts_of_a_long_call(history, 24)
    heads = [(prompt[0]["content"], trimmed) for prompt, trimmed in prompts]
    for (before, _), (after, trimmed) in itertools.pairwise(heads):
        assert after == before or trimmed
    last = prompts[-1][0]
    assert all("Anna" not in m["content"] for m in last[1:])  # the turn that said it is gone
    assert "The caller's name is Anna." in last[0]["content"]
    assert "The order in question is 4219 (status delayed)." in last[0]["content"]


def test_a_questions_shop_facts_stay_just_before_it() -> None:
    history = History("s")
    facts = ("Returns are free.",)
    pending = history.messages(pending_user="Are returns free?", facts=facts)
    history.add_user("Are returns free?", facts)
    assert history.messages() == pending
    assert pending[-2]["content"].endswith("Returns are free.")
    assert history.withdraw_user() == "Are returns free?"
    assert history.turns == []


def test_no_history_keeps_only_the_turn_being_answered() -> None:
    history = History("s", max_turns=0, keep_turns=0)
    history.add_user("u0")
    assert history.add_assistant("a0")
    assert [m["content"] for m in history.messages(pending_user="u1")] == ["s", "u1"]


def test_long_turns_trim_the_window_before_the_turn_count_does() -> None:
    """A window of long replies would outgrow the model's context before `max_turns`; it is
    trimmed on its length as well, keeping fewer turns if it must."""
    history = History("s", max_turns=10, keep_turns=4, max_chars=1000)
    trimmed = []
    for i in range(6):
        history.add_user(f"Tell me story {i}.")
        trimmed.append(history.add_assistant("Once upon a time " * 20))
    assert trimmed.index(True) < 4
    assert history.window_chars() <= 1000 and history.caller_turns() >= 1
