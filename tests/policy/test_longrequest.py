"""A long caller turn splits into its lead-up and its end; a short one stays whole."""

from __future__ import annotations

from voicecli.policy.history import History
from voicecli.policy.longrequest import LongTurnSplit

STORY = " ".join(f"word{i}" for i in range(70))


def test_a_short_turn_is_one_part() -> None:
    text = "What is the capital of France?"
    assert LongTurnSplit(min_words=60).parts(text) == [text]


def test_a_run_on_turn_keeps_its_last_words_apart() -> None:
    lead, end = LongTurnSplit(min_words=60, tail_words=20).parts(STORY)
    assert end.split() == STORY.split()[-20:]
    assert f"{lead} {end}" == STORY


def test_the_end_starts_at_the_first_sentence_start_in_reach() -> None:
    text = f"{STORY}. Anyway, I wanted to ask you. What is the capital of Italy?"
    lead, end = LongTurnSplit(min_words=60, tail_words=20).parts(text)
    assert end == "Anyway, I wanted to ask you. What is the capital of Italy?"
    assert lead.endswith("word69.")


def test_a_sentence_start_out_of_reach_is_not_taken() -> None:
    text = f"First. {STORY} what is the capital of italy"
    _, end = LongTurnSplit(min_words=60, tail_words=10).parts(text)
    assert end.split() == text.split()[-10:]


def test_zero_never_splits() -> None:
    assert LongTurnSplit(min_words=0).parts(STORY) == [STORY]


def test_history_renders_a_long_turn_alike_when_newest_and_later() -> None:
    history = History("s", long_turn=LongTurnSplit(min_words=60, tail_words=20))
    newest = history.messages(pending_user=STORY)
    history.add_user(STORY)
    history.add_assistant("I see.")
    later = history.messages(pending_user="And then?")
    assert [m["role"] for m in newest] == ["system", "user", "user"]
    assert later[: len(newest)] == newest, "the cached prefix of the long turn holds"


def test_shop_facts_go_before_the_whole_long_turn() -> None:
    history = History("s", long_turn=LongTurnSplit(min_words=60, tail_words=20))
    chat = history.messages(pending_user=STORY, facts=("Returns within 30 days.",))
    assert [m["role"] for m in chat] == ["system", "system", "user", "user"]
    assert "Returns within 30 days." in chat[1]["content"]
