"""History: committed user turns and heard assistant text only."""

from __future__ import annotations

from voicecli.policy.history import History


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


def test_only_recent_turns_are_kept_and_never_start_with_the_agent() -> None:
    history = History("s", max_turns=2)
    for i in range(5):
        history.add_user(f"u{i}")
        history.add_assistant(f"a{i}")
    history.add_user("u5")
    chat = history.messages()
    assert [m["content"] for m in chat] == ["s", "u4", "a4", "u5"]
