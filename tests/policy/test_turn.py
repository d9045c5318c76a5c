"""Turn policy on scripted VAD and transcript timelines (no models)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from voicecli.policy.completeness import Completeness, classify, names_a_number_unsaid
from voicecli.policy.numbers import ends_on_a_whole_order
from voicecli.policy.turn import Commit, TurnPolicy, TurnRules, reopens

FRAME_S = 0.032


@dataclass
class Timeline:
    """Speech intervals and transcript updates (at time, text, covering audio until, and
    optionally how sure Whisper was: its average token log-probability)."""

    speech: list[tuple[float, float]]
    transcripts: list[tuple[float, str, float] | tuple[float, str, float, float]] = field(
        default_factory=list
    )
    until_s: float = 10.0


def run(
    timeline: Timeline, rules: TurnRules | None = None, orders: frozenset[str] | None = None
) -> Commit | None:
    """Feed the policy frame by frame, as the session does; return the commit, if any
    (`orders`: the order numbers the store has)."""
    known = orders
    whole = (lambda text: ends_on_a_whole_order(text, known)) if known is not None else None
    policy = TurnPolicy(rules, whole)
    pending = sorted(timeline.transcripts)
    speaking = False
    frame = 0
    while (t := frame * FRAME_S) < timeline.until_s:
        voiced = any(start <= t < end for start, end in timeline.speech)
        if voiced and not speaking:
            policy.speech_started(t)
        if not voiced and speaking:
            policy.speech_ended(t)
        speaking = voiced
        while pending and pending[0][0] <= t:
            _, text, covers, *sure = pending.pop(0)
            grid = math.ceil(covers / FRAME_S - 1e-9) * FRAME_S  # the frame grid
            policy.transcript(text, grid, logprob=sure[0] if sure else 0.0)
        decision = policy.tick(t, voiced=voiced)
        if decision:
            return decision
        frame += 1
    return None


def test_complete_question_commits_well_under_the_silence_timeout() -> None:
    rules = TurnRules()
    timeline = Timeline(
        speech=[(0.3, 2.0)],
        transcripts=[(1.2, "What is the", 1.1), (2.15, "What is the capital of France?", 2.0)],
    )
    commit = run(timeline, rules)
    assert commit is not None and commit.reason == "complete"
    assert commit.silence_s < rules.silence_timeout_s / 2
    assert commit.at_s - 2.0 < 0.35


def test_digits_read_with_pauses_are_not_cut_off() -> None:
    # "my order number is four two ... one nine ... " with 0.7 s pauses between groups
    timeline = Timeline(
        speech=[(0.2, 1.8), (2.5, 3.1), (3.8, 4.4)],
        transcripts=[
            (1.95, "My order number is 42.", 1.8),
            (3.25, "My order number is 4, 2, 1.", 3.1),
            (4.6, "My order number is 4219.", 4.4),
        ],
    )
    commit = run(timeline)
    assert commit is not None
    assert commit.at_s > 4.4, "committed inside a pause"
    assert commit.completeness is Completeness.LIKELY


def test_a_number_read_with_pauses_ends_once_it_names_an_order() -> None:
    # the caller's last digit, and Whisper's comma for the pause after it
    rules = TurnRules()
    said = Timeline(
        speech=[(0.2, 1.8), (2.5, 3.1)],
        transcripts=[
            (1.95, "My order number is 4, 2,", 1.8),
            (3.25, "My order number is 4, 2, 1, 9,", 3.1),
        ],
    )
    known = run(said, rules, orders=frozenset({"4219", "3381"}))
    assert known is not None and known.at_s > 3.1, "not inside the pause after '4, 2'"
    assert known.completeness is Completeness.LIKELY
    assert abs(known.silence_s - rules.likely_silence_s) < FRAME_S * 1.5
    unknown = run(said, rules, orders=frozenset({"3381"}))
    assert (
        unknown is not None and abs(unknown.silence_s - rules.incomplete_silence_s) < FRAME_S * 1.5
    )
    longer = run(said, rules, orders=frozenset({"4219", "42190"}))
    assert longer is not None and longer.completeness is Completeness.INCOMPLETE


def test_the_store_is_asked_once_per_text_not_once_per_frame() -> None:
    asked: list[str] = []

    def whole(text: str) -> bool:
        asked.append(text)
        return ends_on_a_whole_order(text, frozenset({"4219"}))

    policy = TurnPolicy(TurnRules(), whole)
    policy.speech_started(0.2)
    policy.speech_ended(1.8)
    policy.transcript("My order number is 4, 2, 1, 9,", 1.8)
    commits = [policy.tick(1.8 + FRAME_S * k) for k in range(1, 20)]
    assert any(commits) and asked == ["My order number is 4, 2, 1, 9,"]


def test_trailing_conjunction_holds_then_resumed_speech_continues_the_turn() -> None:
    timeline = Timeline(
        speech=[(0.2, 1.5), (2.6, 3.6)],
        transcripts=[
            (1.7, "I need to check my order and", 1.5),
            (3.8, "I need to check my order and track the parcel.", 3.6),
        ],
    )
    commit = run(timeline)
    assert commit is not None and commit.at_s > 3.6
    # the same first part, never resumed: held for the long incomplete hold, then committed
    alone = run(Timeline(speech=[(0.2, 1.5)], transcripts=[(1.7, "my order and", 1.5)]))
    assert alone is not None
    assert abs((alone.at_s - 1.5) - TurnRules().incomplete_silence_s) < FRAME_S * 1.5


def test_unknown_text_commits_at_the_plain_silence_timeout() -> None:
    rules = TurnRules()
    commit = run(Timeline(speech=[(0.2, 1.0)], transcripts=[(1.2, "Hello", 1.0)]), rules)
    assert commit is not None and commit.reason == "unknown"
    assert abs(commit.silence_s - rules.silence_timeout_s) < FRAME_S


def test_a_full_sentence_whisper_was_unsure_of_waits_the_plain_timeout() -> None:
    rules = TurnRules()
    heard = "The parcel came in time."
    sure = run(Timeline(speech=[(0.2, 1.8)], transcripts=[(2.0, heard, 1.8, -0.3)]), rules)
    assert sure is not None and sure.completeness is Completeness.LIKELY
    assert abs(sure.silence_s - rules.likely_silence_s) < FRAME_S * 1.5
    unsure = run(Timeline(speech=[(0.2, 1.8)], transcripts=[(2.0, heard, 1.8, -0.97)]), rules)
    assert unsure is not None and unsure.completeness is Completeness.UNKNOWN
    assert abs(unsure.silence_s - rules.silence_timeout_s) < FRAME_S * 1.5
    # a question is asked whole however it was heard; an order read whole is named whole
    asked = Timeline(speech=[(0.2, 1.8)], transcripts=[(2.0, "Where is my parcel?", 1.8, -1.1)])
    question = run(asked, rules)
    assert question is not None and question.completeness is Completeness.COMPLETE
    digits = Timeline(
        speech=[(0.2, 1.8)], transcripts=[(2.0, "My order is 4, 2, 1, 9,", 1.8, -1.1)]
    )
    order = run(digits, rules, orders=frozenset({"4219"}))
    assert order is not None and order.completeness is Completeness.LIKELY


def test_words_that_name_a_number_but_say_none_of_it() -> None:
    for named in ("My order is time.", "My order, I'm proceed.", "I'd like to check my order."):
        assert names_a_number_unsaid(named), named
    for said in (
        "My order number is 8812.",
        "Order forty-seven eleven is late.",
        "My order is five.",
        "The parcel came in time.",
        "Is that right?",
        "Can I check on an order with you?",  # a question closed with its mark
    ):
        assert not names_a_number_unsaid(said), said


def test_a_full_sentence_that_names_a_number_unsaid_waits_the_plain_timeout() -> None:
    # the holdout's slow caller, "My order number is eight…", read before the breath as a whole
    # sentence, and surely enough (-0.65) to pass `unsure_logprob`
    heard = Timeline(speech=[(0.2, 1.8)], transcripts=[(2.0, "My order, I'm proceed.", 1.8, -0.65)])
    rules = TurnRules()
    waited = run(heard, rules)
    assert waited is not None and waited.completeness is Completeness.UNKNOWN
    assert abs(waited.silence_s - rules.silence_timeout_s) < FRAME_S * 1.5
    off = TurnRules(number_may_follow=False)
    taken = run(heard, off)
    assert taken is not None and taken.completeness is Completeness.LIKELY
    assert abs(taken.silence_s - off.likely_silence_s) < FRAME_S * 1.5
    # a question that names one is asked whole all the same, one that ends on a small word too
    asked = Timeline(speech=[(0.2, 1.8)], transcripts=[(2.0, "Where is my order?", 1.8, -0.3)])
    question = run(asked, rules)
    assert question is not None and question.completeness is Completeness.COMPLETE
    small = "Can I check on an order with you?"
    ending = run(Timeline(speech=[(0.2, 1.8)], transcripts=[(2.0, small, 1.8, -0.3)]), rules)
    assert ending is not None and ending.completeness is Completeness.LIKELY


def test_without_a_fresh_transcript_the_timeout_decides() -> None:
    rules = TurnRules()
    commit = run(Timeline(speech=[(0.2, 1.0)], transcripts=[(0.8, "What is the time?", 0.7)]))
    assert commit is not None and commit.reason == "timeout"
    assert abs(commit.silence_s - rules.silence_timeout_s) < FRAME_S


def test_a_voiced_frame_holds_the_commit() -> None:
    policy = TurnPolicy()
    policy.speech_started(0.0)
    policy.speech_ended(1.0)
    policy.transcript("Hello", 1.0)
    assert policy.tick(2.0, voiced=True) is None
    assert policy.tick(2.0, voiced=False) is not None


def test_a_timeout_is_reconsidered_when_the_late_transcript_is_unfinished() -> None:
    policy = TurnPolicy()
    policy.speech_started(0.0)
    policy.speech_ended(1.0)
    commit = policy.tick(1.85)  # no transcript of the pause yet: the timeout decides
    assert commit is not None and commit.reason == "timeout"
    policy.transcript("My order number is four two", 1.0)
    assert policy.reconsider(1.9), "a number being read needs its longer hold"
    assert policy.tick(2.0) is None and policy.tick(2.65) is not None


def test_a_timeout_stands_when_the_late_transcript_is_done_or_the_hold_passed() -> None:
    for text, at_s in (("What time is it?", 1.9), ("My order number is four two", 2.7)):
        policy = TurnPolicy()
        policy.speech_started(0.0)
        policy.speech_ended(1.0)
        assert policy.tick(1.85) is not None
        policy.transcript(text, 1.0)
        assert not policy.reconsider(at_s), text


def test_a_turn_may_be_done_on_its_pause_transcript_or_on_the_interim_before_it() -> None:
    policy = TurnPolicy()
    policy.speech_started(0.0)
    policy.transcript("What time is it?", covers_until_s=0.8)  # an interim, while speaking
    assert not policy.may_be_done() and not policy.may_be_done(on_interim=True)
    policy.speech_ended(1.0)
    assert not policy.may_be_done(), "the interim does not cover the pause"
    assert not policy.may_be_done(on_interim=True), "it missed more than interim_gap_s"
    policy.transcript("What time is it?", covers_until_s=0.9)
    assert not policy.may_be_done() and policy.may_be_done(on_interim=True)
    policy.transcript("What time is it in", covers_until_s=1.0)
    assert not policy.may_be_done() and not policy.may_be_done(on_interim=True)
    policy.transcript("What time is it in Tokyo?", covers_until_s=1.0)
    assert policy.may_be_done()


def test_nothing_commits_without_speech() -> None:
    assert run(Timeline(speech=[], until_s=5.0)) is None


def test_resumed_speech_right_after_commit_reopens_the_turn() -> None:
    rules = TurnRules()
    assert reopens(rules, committed_at_s=2.0, speech_at_s=2.6, reply_heard=False)
    assert not reopens(rules, committed_at_s=2.0, speech_at_s=2.6, reply_heard=True)
    assert not reopens(
        rules, committed_at_s=2.0, speech_at_s=2.0 + rules.reopen_window_s + 0.1, reply_heard=False
    )


def test_completeness_rules() -> None:
    cases = {
        "What is the capital of France?": Completeness.COMPLETE,
        "what time is it": Completeness.COMPLETE,
        "Where is my order number": Completeness.INCOMPLETE,
        "my order number is four two": Completeness.INCOMPLETE,
        "My order number is 42.": Completeness.INCOMPLETE,
        "My lower number is 4, too.": Completeness.INCOMPLETE,
        "I want to": Completeness.INCOMPLETE,
        "Stop actually just tell me what day it is": Completeness.COMPLETE,
        "The problem is": Completeness.INCOMPLETE,
        "I need one for": Completeness.INCOMPLETE,
        "The number is 4219, too.": Completeness.LIKELY,
        "My order number is 4219.": Completeness.LIKELY,
        "I want to, um": Completeness.INCOMPLETE,
        "so,": Completeness.INCOMPLETE,
        "The weather is nice today.": Completeness.LIKELY,
        "Hello.": Completeness.UNKNOWN,
        "Yes, please.": Completeness.COMPLETE,
        "Two coffees, please.": Completeness.COMPLETE,
        "Please": Completeness.INCOMPLETE,
        "Yes, go ahead.": Completeness.COMPLETE,
        "No, never mind.": Completeness.COMPLETE,
        "No.": Completeness.COMPLETE,
        "Yes, and": Completeness.INCOMPLETE,
        "No, I meant the other order from last week.": Completeness.LIKELY,
        "Which cards can I pay with?": Completeness.LIKELY,
        "And which days are you open on?": Completeness.LIKELY,
        "Can you tell me where my parcel is?": Completeness.LIKELY,
        "What number can I reach you on?": Completeness.LIKELY,
        "Which cards can I pay with": Completeness.INCOMPLETE,
        "Can you look up my order number?": Completeness.INCOMPLETE,
        "My parcel is?": Completeness.INCOMPLETE,
        "": Completeness.UNKNOWN,
    }
    assert {text: classify(text) for text in cases} == cases
