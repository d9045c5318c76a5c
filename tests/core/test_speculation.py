"""Replies made before the commit, scripted through the core: held, then used or dropped.

Transitions covered (with `[conversation] speculative_replies` on):
- user speaking → pause, a transcript covering it that may end the turn → a held reply is
  asked for (a new generation; nothing of it plays) → commit on the same words → it is
  released, no second reply is asked for (test_a_held_reply_is_released_at_its_commit); one
  already over and silent ends there (test_a_held_reply_with_nothing_to_say_ends_at_its_commit)
- held → the caller speaks again → dropped unheard, its work cancelled; the turn goes on and
  the reply to all of it is made (test_the_caller_going_on_drops_the_held_reply)
- held → a newer transcript of the pause with other words → dropped, made again for them
  (test_new_words_drop_the_held_reply_and_make_it_again); the same words punctuated
  otherwise keep it (test_punctuation_alone_keeps_the_held_reply)
- held → the pause's transcript comes back empty → the turn is discarded and the held reply
  dropped (test_a_discarded_turn_drops_its_held_reply)
- pause on an unfinished thought → nothing is made early (test_an_unfinished_turn_...)
- a plan that calls a tool is never made early; one that asks before a side effect is, but
  making it changes nothing the next turn reads (test_a_lookup_is_not_made_early,
  test_a_held_confirmation_question_leaves_no_pending_side_effect)
- the reply's timings follow a held reply from its request (test_timings_follow_...)
- with `speculate_on_interim`: the caller stops → the reply is made from the last interim at
  once if it heard all but `interim_gap_s` of the speech
  (test_on_the_interim_the_reply_is_made_the_moment_the_caller_stops), or when the interim in
  flight at the pause comes in (test_an_interim_in_flight_at_the_pause_...); one that missed
  more waits for the pause's decode (test_an_interim_that_missed_the_last_words_...); the
  pause's decode with other words makes it again (test_a_pause_decode_with_more_words_...);
  without the setting the reply waits for the pause's decode (test_without_it_the_reply_...)
- the pause's greedy reading (PauseDraft) ahead of its beam decode → the reply is made from it,
  held; the decode with the same words keeps it and the commit releases it
  (test_a_reply_made_from_the_pause_draft_is_released_at_its_commit); other words drop it and
  make it again (test_a_decode_with_other_words_than_the_draft_...); a decode that reads as
  unfinished drops it (test_a_decode_that_reads_unfinished_...); a draft that reads unfinished,
  covers an earlier pause, or comes with speculation off makes nothing
  (test_a_draft_makes_nothing_when_...)
"""

from __future__ import annotations

import dataclasses

from tests.core.script import WORD_SAMPLES, Script
from voicecli.audioformat import CAPTURE_RATE
from voicecli.config import Config
from voicecli.core.effects import CancelReplies
from voicecli.core.timings import TurnTimer
from voicecli.events import (
    AssistantTurn,
    PlayoutStarted,
    ReleaseReply,
    ReplyRequest,
    SpanPlaying,
    SpeculationEnded,
    SpeechEnded,
    TurnCommitted,
    TurnDiscarded,
)
from voicecli.terms import SpeculationOutcome, State, Step

USED, DROPPED = SpeculationOutcome.USED, SpeculationOutcome.DROPPED


def speculating(order_ids: frozenset[str] | None = None, on_interim: bool = False) -> Script:
    config = Config()
    conversation = dataclasses.replace(
        config.conversation, speculative_replies=True, speculate_on_interim=on_interim
    )
    return Script(dataclasses.replace(config, conversation=conversation), order_ids=order_ids)


def paused_on(s: Script, text: str, speech_s: float = 1.0) -> None:
    """The caller says `text` and has just stopped; the pause's transcript is in."""
    s.silence(0.3)
    s.speech(speech_s)
    s.heard(text)


def held_requests(s: Script) -> list[ReplyRequest]:
    return [r for r in s.of(ReplyRequest) if r.held]


def test_a_held_reply_is_released_at_its_commit() -> None:
    s = speculating()
    paused_on(s, "What time is it?")
    assert not s.of(TurnCommitted), "the silence is not long enough yet"
    (held,) = s.of(ReplyRequest)
    assert held.held and held.gen == 1 and held.messages[-1]["content"] == "What time is it?"
    assert s.effects(CancelReplies) == [CancelReplies(1)]
    s.reply("It is noon.", held=True)
    assert s.core.state is State.USER_SPEAKING and not s.of(SpanPlaying)
    assert s.history() == [], "a held reply's turn is not in history before its commit"
    s.silence(0.4)
    commit = s.last(TurnCommitted)
    assert commit.gen == 1 and s.of(ReleaseReply) == [ReleaseReply(commit.t, 1)]
    assert s.of(ReplyRequest) == [held], "no second reply is made"
    assert [(e.outcome, e.gen) for e in s.of(SpeculationEnded)] == [(USED, 1)]
    s.play_all()
    assert s.last(PlayoutStarted).gen == 1
    assert s.last(AssistantTurn).text == "It is noon."
    assert s.history() == [("user", "What time is it?"), ("assistant", "It is noon.")]


def test_a_held_reply_with_nothing_to_say_ends_at_its_commit() -> None:
    s = speculating()
    paused_on(s, "What time is it?")
    s.reply(held=True)  # written to its end before the commit, and silent
    s.silence(0.4)
    assert s.last(TurnCommitted).gen == 1 and s.last(AssistantTurn).text == ""
    assert s.core.state is State.LISTENING


def test_the_caller_going_on_drops_the_held_reply() -> None:
    s = speculating()
    paused_on(s, "What time is it?")
    s.reply("It is noon.", held=True)
    s.silence(0.1)  # shorter than the commit needs
    s.speech(0.8)  # ... "in Tokyo?"
    (dropped,) = s.of(SpeculationEnded)
    assert (dropped.gen, dropped.outcome, dropped.reason) == (1, DROPPED, "the caller went on")
    assert CancelReplies(2) in s.effects(CancelReplies), "its work is cancelled"
    s.heard("What time is it in Tokyo?")
    s.silence(0.4)
    commit = s.last(TurnCommitted)
    assert commit.text == "What time is it in Tokyo?" and commit.gen == 3
    assert [r.gen for r in held_requests(s)] == [1, 3]
    assert [e.gen for e in s.of(ReleaseReply)] == [3], "the dropped reply is never released"


def test_new_words_drop_the_held_reply_and_make_it_again() -> None:
    s = speculating()
    paused_on(s, "What time is it")
    s.heard("What time is it in Paris?")  # the padded re-decode heard more
    assert [(e.outcome, e.reason) for e in s.of(SpeculationEnded)] == [
        (DROPPED, "the words changed")
    ]
    assert [r.messages[-1]["content"] for r in held_requests(s)] == [
        "What time is it",
        "What time is it in Paris?",
    ]
    s.silence(0.4)
    assert s.last(TurnCommitted).gen == held_requests(s)[-1].gen
    assert s.last(SpeculationEnded).outcome is USED


def test_punctuation_alone_keeps_the_held_reply() -> None:
    s = speculating()
    paused_on(s, "what time is it")
    s.heard("What time is it?")
    assert len(held_requests(s)) == 1 and not s.of(SpeculationEnded)
    s.silence(0.4)
    assert s.last(SpeculationEnded).outcome is USED


def test_a_discarded_turn_drops_its_held_reply() -> None:
    s = speculating()
    paused_on(s, "What time is it?")
    assert held_requests(s)
    s.heard("")  # the pause's decode found Whisper inventing words
    s.silence(1.0)
    assert s.last(TurnDiscarded).reason == "nothing said"
    assert s.last(SpeculationEnded).outcome is DROPPED
    assert not s.of(ReleaseReply) and s.core.state is State.LISTENING


def paused_after_an_interim(s: Script, interim: str, missed_s: float = 0.096) -> None:
    """The caller speaks, an interim transcript of all but the last `missed_s` of it comes
    in, and they stop: the pause's own decode is not in yet."""
    s.silence(0.3)
    s.speech_starts()
    s.frames(1.0 - missed_s, 0.95)
    s.heard(interim)
    s.frames(missed_s, 0.95)
    s.feed(SpeechEnded(s.now, s.sample))


def test_on_the_interim_the_reply_is_made_the_moment_the_caller_stops() -> None:
    s = speculating(on_interim=True)
    paused_after_an_interim(s, "What time is it?")
    (held,) = held_requests(s)
    assert held.messages[-1]["content"] == "What time is it?"
    s.heard("What time is it?")  # the pause's decode agrees
    s.silence(0.4)
    assert s.last(TurnCommitted).gen == held.gen and s.last(SpeculationEnded).outcome is USED
    assert s.of(ReplyRequest) == [held]


def test_an_interim_that_missed_the_last_words_does_not_stand_for_the_pause() -> None:
    s = speculating(on_interim=True)
    paused_after_an_interim(s, "What time is it?", missed_s=0.4)  # more than interim_gap_s
    assert not s.of(ReplyRequest)
    s.heard("What time is it in Tokyo?")
    assert held_requests(s)[-1].messages[-1]["content"] == "What time is it in Tokyo?"


def test_an_interim_in_flight_at_the_pause_that_heard_nearly_all_of_it_makes_the_reply() -> None:
    """The interim decode running when the caller stopped comes in after the pause, its
    audio ending a few frames short of it; the pause's decode comes after it."""
    s = speculating(on_interim=True)
    paused_after_an_interim(s, "What time is", missed_s=0.4)
    pause = s.sample
    s.silence(0.1)
    s.heard("What time is it?", covers_until=pause - round(0.09 * CAPTURE_RATE), final=False)
    (held,) = held_requests(s)
    assert held.messages[-1]["content"] == "What time is it?"
    s.heard("What time is it?")
    s.silence(0.4)
    assert s.last(TurnCommitted).gen == held.gen and s.last(SpeculationEnded).outcome is USED


def test_a_pause_decode_with_more_words_than_the_interim_makes_the_reply_again() -> None:
    s = speculating(on_interim=True)
    paused_after_an_interim(s, "What time is it?")
    s.heard("What time is it in Tokyo?")
    assert s.last(SpeculationEnded).reason == "the words changed"
    s.silence(0.4)
    commit = s.last(TurnCommitted)
    assert commit.text == "What time is it in Tokyo?" and commit.gen == held_requests(s)[-1].gen


def test_without_it_the_reply_waits_for_the_pause_decode() -> None:
    s = speculating()
    paused_after_an_interim(s, "What time is it?")
    assert not s.of(ReplyRequest)
    s.heard("What time is it?")
    assert held_requests(s)


def test_an_unfinished_turn_is_not_made_early() -> None:
    s = speculating()
    paused_on(s, "My order number is")
    s.silence(0.3)
    assert not s.of(ReplyRequest)


def test_a_lookup_is_not_made_early() -> None:
    s = speculating(order_ids=frozenset({"4711"}))
    paused_on(s, "Where is order 4711?")
    assert not held_requests(s)
    s.silence(0.4)
    assert s.last(ReplyRequest).step is Step.LOOKUP and not s.last(ReplyRequest).held


def test_a_held_confirmation_question_leaves_no_pending_side_effect() -> None:
    s = speculating(order_ids=frozenset({"4711"}))
    paused_on(s, "Please cancel order 4711.")
    (held,) = held_requests(s)
    assert held.step is Step.CONFIRM and held.call is None, "the question, never the call"
    s.heard("")  # the pause's decode: nothing was said after all
    s.silence(1.0)
    assert s.last(TurnDiscarded) and not s.of(ReleaseReply)
    paused_on(s, "Yes.", speech_s=0.4)
    s.silence(0.4)
    assert s.last(TurnCommitted).text == "Yes."
    assert s.last(ReplyRequest).step is not Step.EXECUTE, "the caller was never asked"


def test_timings_follow_a_held_reply_from_its_request() -> None:
    s = speculating()
    paused_on(s, "What time is it?")
    s.reply("It is noon.", held=True)
    s.silence(0.4)
    s.play(WORD_SAMPLES)
    s.play_all()
    timer = TurnTimer(lambda sample: sample / 16000, lambda device: device / 22050)
    said = [t for e in s.trace if (t := timer.observe(e)) is not None]
    (timings,) = said
    assert timings.speculated and timings.gen == 1
    assert timings.llm_first_clause_ms < 0, "its first clause was written before the commit"


def paused_with_a_draft(s: Script, draft: str) -> None:
    """The caller speaks and stops; the pause's greedy reading is in, its decode not yet."""
    s.silence(0.3)
    s.speech(1.0)
    s.drafted(draft)


def test_a_reply_made_from_the_pause_draft_is_released_at_its_commit() -> None:
    s = speculating()
    paused_with_a_draft(s, "What time is it?")
    (held,) = held_requests(s)
    assert held.messages[-1]["content"] == "What time is it?"
    assert not s.of(TurnCommitted), "a draft is never committed on"
    s.silence(0.4)
    assert not s.of(TurnCommitted), "the commit waits for the pause's decode"
    s.heard("What time is it?")
    assert s.of(ReplyRequest) == [held] and not s.of(SpeculationEnded)
    s.silence(0.1)
    commit = s.last(TurnCommitted)
    assert commit.gen == held.gen and [e.gen for e in s.of(ReleaseReply)] == [held.gen]
    assert [e.outcome for e in s.of(SpeculationEnded)] == [USED]


def test_a_decode_with_other_words_than_the_draft_drops_its_reply() -> None:
    s = speculating()
    paused_with_a_draft(s, "What is the time in Paris?")
    s.heard("What is the time in Peru?")
    assert [(e.outcome, e.reason) for e in s.of(SpeculationEnded)] == [
        (DROPPED, "the words changed")
    ]
    draft_reply, second = held_requests(s)
    assert draft_reply.messages[-1]["content"] == "What is the time in Paris?"
    assert second.messages[-1]["content"] == "What is the time in Peru?"
    s.silence(0.4)
    assert s.last(TurnCommitted).gen == second.gen
    assert [e.gen for e in s.of(ReleaseReply)] == [second.gen], "the draft's reply never plays"


def test_a_decode_that_reads_unfinished_drops_the_drafts_reply() -> None:
    s = speculating()
    paused_with_a_draft(s, "Tell me a joke.")
    s.heard("Tell me a joke about")
    assert [(e.outcome, e.reason) for e in s.of(SpeculationEnded)] == [
        (DROPPED, "the words changed")
    ]
    assert len(held_requests(s)) == 1, "nothing is made for an unfinished turn"
    s.silence(0.4)
    assert not s.of(TurnCommitted) and not s.of(ReleaseReply)


def test_a_draft_makes_nothing_when_it_reads_unfinished_is_stale_or_speculation_is_off() -> None:
    s = speculating()
    paused_with_a_draft(s, "What time is it and")
    assert not s.of(ReplyRequest), "an unfinished draft"
    s = speculating()
    s.silence(0.3)
    s.speech(1.0)
    first_pause = s.sample
    s.silence(0.1)
    s.speech(0.5)
    s.drafted("What time is it?", covers_until=first_pause)
    assert not s.of(ReplyRequest), "a draft of the pause before the caller went on"
    conversation = dataclasses.replace(Config().conversation, speculative_replies=False)
    s = Script(dataclasses.replace(Config(), conversation=conversation))
    paused_with_a_draft(s, "What time is it?")
    assert not s.of(ReplyRequest), "speculation off"
