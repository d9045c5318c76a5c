"""The conversation core, scripted: events in, events and effects out — no threads, no models.

Transitions covered (state before → event → state after, and what it must say or do):
- listening → speech starts → user speaking: a turn opens (test_a_question_is_committed_...)
- user speaking → pause with voiced frames (no onset yet) → no commit until they are quiet
  (test_a_voiced_frame_in_the_pause_holds_the_commit)
- user speaking → pause, speech again → user speaking: the turn pauses and resumes as one turn,
  and the pending commit is dropped (test_a_pause_and_more_speech_is_one_turn)
- user speaking → silence and a fresh transcript → thinking: committed, a new generation
  cancels older work, the reply is planned with the turn in history (test_a_question_...)
- user speaking → a commit decided but waiting for its transcript, then speech again → the
  decision is void (test_speech_again_drops_a_commit_that_waited_for_its_transcript)
- user speaking → silence but the transcript is stale → still user speaking until it covers
  the pause (test_the_commit_waits_for_a_transcript_covering_the_pause)
- user speaking → timeout decided before the pause's transcript, which then shows a number
  still being read → the decision is void, one turn (test_a_late_transcript_of_an_unfinished_...)
  and a finished question commits at once (test_a_late_transcript_of_a_finished_question_...)
- user speaking → silence, empty transcript → listening: discarded "nothing said"
  (test_an_empty_transcript_is_discarded)
- user speaking → silence, no transcript within transcript_wait_s → listening: discarded
  "no transcript" (test_no_transcript_at_all_is_discarded_after_the_wait)
- thinking → speech within the reopen window → user speaking: reopened, the reply cancelled,
  the turn taken back out of history (test_speech_right_after_the_commit_reopens_the_turn)
- thinking → speech after the reopen window → user speaking: superseded by a new turn
  (test_speech_long_after_the_commit_supersedes_the_reply)
- thinking → the first span plays → speaking: playout started (test_a_question_...)
- speaking → every span played → listening: the whole reply enters history
  (test_a_question_is_committed_answered_and_heard_out)
- a reply with no audio at all → listening as soon as it is done (test_a_silent_reply_...)
- speaking → a caller's sound → paused; short sound then quiet → speaking: resumed, the
  suspect discarded (test_a_short_sound_pauses_and_resumes)
- speaking → a sound onset event → paused (test_a_sound_onset_pauses_at_once)
- speaking → caller keeps talking → user speaking: barge-in, cancelled at the stop position,
  history keeps the heard prefix (test_a_caller_who_keeps_talking_takes_the_floor)
- paused → transcript with words → user speaking (test_a_transcript_of_real_words_interrupts)
- paused → backchannel transcript, then quiet → speaking (test_a_backchannel_resumes)
- paused → transcript of the agent's own words → speaking: echo (test_the_agents_own_echo_...)
- paused → enough speech to read → a probe transcription is asked (test_a_suspect_is_probed)
- paused → the reply ends meanwhile → user speaking: the suspect takes the floor
  (test_the_reply_ending_while_judging_gives_the_caller_the_floor)
- a suspect right after a resumed one starts where that one did (test_a_rejoin_...)
- speaking, canceller not trusted yet → no pause (test_an_untrusted_canceller_pauses_nothing)
- prefill and read-only prefetch while speaking (test_speculative_prefill_and_prefetch)
- tool: confirm → yes executes, no drops, a failed call offers a retry that a yes runs
  (test_a_side_effect_needs_a_yes, test_no_drops_the_side_effect, test_a_failed_tool_...)
- cascade: the turn is transcribed only on the silence decision (test_cascade_...)
- mirror: every turn is answered as said, with no prefill (test_mirror_...)
"""

from __future__ import annotations

import dataclasses

from tests.core.script import WORD_SAMPLES, Script
from voicecli.config import Config
from voicecli.core.effects import CancelReplies, PausePlayout, ResumePlayout
from voicecli.core.mode import Pipeline
from voicecli.events import (
    AssistantTurn,
    BargeIn,
    HistoryTrimmed,
    PlayoutStarted,
    PrefillRequest,
    ReplyRequest,
    SpeechEnded,
    SpeechStarted,
    StateChanged,
    ToolPrefetch,
    TranscribeRequest,
    TurnCommitted,
    TurnDiscarded,
    TurnOpened,
    TurnPaused,
    TurnReopened,
    TurnResumed,
)
from voicecli.terms import BargeInAction, State, Step, ToolCall, ToolPhase


def asked(s: Script, text: str = "What time is it?", speech_s: float = 1.0) -> None:
    """The caller says `text` and pauses long enough to be committed."""
    s.silence(0.3)
    s.speech(speech_s)
    s.heard(text)
    s.silence(0.4)


def answering(s: Script, *pieces: str) -> Script:
    """The agent is speaking `pieces`, the first of them playing."""
    s.reply(*pieces)
    s.play(WORD_SAMPLES // 2)
    assert s.core.state is State.SPEAKING
    return s


def states(s: Script) -> list[State]:
    return [e.state for e in s.of(StateChanged)]


def test_a_question_is_committed_answered_and_heard_out() -> None:
    s = Script()
    asked(s)
    commit = s.last(TurnCommitted)
    assert (commit.text, commit.reason, commit.gen) == ("What time is it?", "complete", 1)
    assert s.effects(CancelReplies) == [CancelReplies(1)]
    plan = s.last(ReplyRequest)
    assert plan.step is Step.LLM and plan.messages[-1]["content"] == "What time is it?"
    s.reply("It is noon.", "Anything else?")
    s.play(WORD_SAMPLES)
    assert s.last(PlayoutStarted).gen == 1 and s.core.state is State.SPEAKING
    s.play_all()
    assert s.last(AssistantTurn).text == "It is noon. Anything else?"
    assert states(s) == [State.USER_SPEAKING, State.THINKING, State.SPEAKING, State.LISTENING]
    assert s.history()[-1] == ("assistant", "It is noon. Anything else?")


def test_history_keeps_the_models_reply_as_it_wrote_it() -> None:
    """The next prompt extends the model's cache only if history holds the reply token for
    token as written, line breaks and list marks included; the caller heard the pieces."""
    s = Script()
    asked(s)
    written = "Here are the steps:\n\n1. **Mix** the flour."
    s.reply("Here are the steps:", "1. **Mix** the flour.", written=written)
    s.play_all()
    assert s.last(AssistantTurn).text == "Here are the steps: 1. **Mix** the flour."
    assert s.history()[-1] == ("assistant", written)
    assert not s.of(PrefillRequest)  # the cache holds the reply: nothing to catch up


def test_a_late_acknowledgement_stays_out_of_the_models_words() -> None:
    s = Script()
    asked(s)
    s.reply("One moment.", "It is noon.", written="It is noon.")
    s.play_all()
    assert s.last(AssistantTurn).text == "One moment. It is noon."
    assert s.history()[-1] == ("assistant", "It is noon.")


def test_a_silent_reply_ends_as_soon_as_it_is_done() -> None:
    s = Script()
    asked(s)
    s.reply()
    assert s.core.state is State.LISTENING and s.last(AssistantTurn).text == ""


def test_a_voiced_frame_in_the_pause_holds_the_commit() -> None:
    s = Script()
    s.silence(0.3)
    s.speech(1.0)
    s.heard("What time is it?")
    s.frames(0.5, 0.9)  # speech that may be resuming: voiced, not yet an onset
    assert not s.of(TurnCommitted)
    s.silence(0.1)
    assert s.last(TurnCommitted).text == "What time is it?"


def test_a_pause_and_more_speech_is_one_turn() -> None:
    s = Script()
    s.speech(0.8)
    s.heard("My order number is")  # incomplete: waits far longer than this pause
    s.silence(0.5)
    s.speech(0.8)
    s.heard("My order number is 4711.")
    s.silence(0.6)
    assert [e.turn for e in s.of(TurnOpened)] == [1]
    assert len(s.of(TurnPaused)) == 2 and len(s.of(TurnResumed)) == 1
    assert s.last(TurnCommitted).text == "My order number is 4711."


def test_speech_again_drops_a_commit_that_waited_for_its_transcript() -> None:
    s = Script()
    s.speech(1.0)
    s.heard("What time", final=False, covers_until=s.sample - 4000)
    s.silence(1.0)  # the policy has decided; the commit waits for a transcript of the pause
    s.speech(0.5)
    s.heard("What time is it in Tokyo and")
    assert not s.of(TurnCommitted), "the caller went on: the earlier decision is void"


def test_the_commit_waits_for_a_transcript_covering_the_pause() -> None:
    s = Script()
    s.speech(1.0)
    s.heard("What time", final=False, covers_until=s.sample - 4000)
    s.silence(1.0)
    assert not s.of(TurnCommitted) and s.core.state is State.USER_SPEAKING
    s.heard("What time is it?")
    assert s.last(TurnCommitted).text == "What time is it?"


def test_an_interim_that_ran_past_the_pause_is_not_the_pause_s_transcript() -> None:
    """An interim decode that started just after the caller stopped heard it all, greedily
    ("order three double me."); the commit reads the pause's own decode, which follows."""
    s = Script()
    s.speech(1.0)
    s.silence(0.1)
    s.heard("Could you look up order three double me.", final=False)
    s.silence(0.5)
    assert not s.of(TurnCommitted) and s.core.state is State.USER_SPEAKING
    s.heard("Could you look up order three double 07 for me.")
    s.silence(0.05)
    assert s.last(TurnCommitted).text == "Could you look up order three double 07 for me."


def test_a_late_transcript_of_an_unfinished_number_voids_the_timeout() -> None:
    s = Script()
    s.speech(1.0)
    s.heard("My order number", final=False, covers_until=s.sample - 4000)
    s.silence(0.9)  # past the 0.8 s timeout: decided, but waiting for the pause's transcript
    s.heard("My order number is four two")  # it arrives: a number still being read
    assert not s.of(TurnCommitted) and s.core.state is State.USER_SPEAKING
    s.speech(0.6)
    s.heard("My order number is four two one nine.")
    s.silence(0.5)
    [commit] = s.of(TurnCommitted)
    assert commit.text == "My order number is four two one nine."


def test_a_late_transcript_of_a_finished_question_commits_at_once() -> None:
    s = Script()
    s.speech(1.0)
    s.heard("What time", final=False, covers_until=s.sample - 4000)
    s.silence(0.9)
    s.heard("What time is it?")
    assert s.last(TurnCommitted).reason == "timeout"


def test_a_full_sentence_read_unsure_waits_the_plain_timeout() -> None:
    """The pause's reading carries how sure Whisper was: a full sentence it was unsure of (a
    misheard stretch often reads as one) is not taken as whole."""
    for logprob, reason, wait_s in ((-0.3, "likely", 0.5), (-0.97, "unknown", 0.8)):
        s = Script()
        s.speech(1.0)
        s.heard("The parcel came in time.", logprob=logprob)
        s.silence(wait_s - 0.1)
        assert not s.of(TurnCommitted), logprob
        s.silence(0.15)
        assert s.last(TurnCommitted).reason == reason


def test_an_empty_transcript_is_discarded() -> None:
    s = Script()
    s.speech(0.5)
    s.heard("")
    s.silence(1.0)
    assert s.last(TurnDiscarded).reason == "nothing said"
    assert s.core.state is State.LISTENING and not s.of(TurnCommitted)


def test_no_transcript_at_all_is_discarded_after_the_wait() -> None:
    config = Config()
    patient = dataclasses.replace(config.turn, transcript_wait_s=1.0)
    s = Script(dataclasses.replace(config, turn=patient))
    s.speech(0.5)
    s.silence(2.0)
    assert s.last(TurnDiscarded).reason == "no transcript"


def committed_in_a_pause(s: Script, text: str) -> None:
    """The caller says `text` and pauses until it is committed (a long enough pause commits
    even an unfinished request)."""
    s.speech(1.0)
    s.heard(text)
    while s.core.state is not State.THINKING:
        s.silence(0.032)


def test_speech_right_after_the_commit_reopens_the_turn() -> None:
    s = Script()
    committed_in_a_pause(s, "Can you tell me")
    s.silence(0.3)
    s.speech(0.5)
    reopened = s.last(TurnReopened)
    assert (reopened.turn, reopened.cancelled_gen, reopened.gen) == (1, 1, 2)
    assert s.core.state is State.USER_SPEAKING
    assert ("user", "Can you tell me") not in s.history()
    s.heard("Can you tell me the time?")
    s.silence(0.4)
    assert s.last(TurnCommitted).text == "Can you tell me the time?"


def paused_mid_request(s: Script) -> int:
    """The caller pauses after "I would like to return" long enough for a commit, and goes on
    just after it: the capture sample where their speech resumes."""
    committed_in_a_pause(s, "I would like to return")
    s.silence(0.2)
    went_on = s.sample
    s.onset()  # speaking again; the segmenter is not sure yet
    s.frames(0.064, 0.95)
    return went_on


def test_speech_found_before_the_replys_first_sound_reopens_the_turn() -> None:
    s = Script()
    went_on = paused_mid_request(s)
    answering(s, "I would like to return.")  # the reply raced the caller to the speaker
    s.feed(SpeechStarted(s.now, went_on, max(0, went_on - 5120)))
    reopened = s.last(TurnReopened)
    assert (reopened.turn, reopened.cancelled_gen) == (1, 1)
    assert s.effects(CancelReplies)[-1] == CancelReplies(reopened.gen)  # its sound is flushed
    assert s.core.state is State.USER_SPEAKING
    s.frames(0.5, 0.95)
    s.feed(SpeechEnded(s.now, s.sample))
    s.heard("I would like to return order 2258.")
    s.silence(1.0)
    assert s.last(TurnCommitted).text == "I would like to return order 2258."


def test_speech_that_came_back_softly_before_the_replys_first_sound_reopens_the_turn() -> None:
    """No sudden sound marks a caller who goes on softly ("...return | order 2258"): the VAD's
    first voiced frame, made before the reply's first sound went out, is the bound then."""
    s = Script()
    committed_in_a_pause(s, "I would like to return")
    s.silence(0.2)
    went_on, made = s.sample, s.now  # their first voiced frame reached the program then
    s.frames(0.064, 0.95)  # no onset: the segmenter is not sure yet
    answering(s, "I would like to return.")  # the reply's first sound goes out meanwhile
    s.feed(SpeechStarted(s.now, went_on, max(0, went_on - 5120), made_by=made))
    assert s.last(TurnReopened).turn == 1 and s.core.state is State.USER_SPEAKING


def test_soft_speech_made_after_the_replys_first_sound_is_left_to_the_barge_in_judgement() -> None:
    s = Script()
    committed_in_a_pause(s, "I would like to return")
    answering(s, "I would like to return.")
    s.frames(0.064, 0.95)
    s.feed(SpeechStarted(s.now, s.sample - 1024, s.sample - 5120, made_by=s.now - 0.01))
    assert not s.of(TurnReopened) and s.core.state is State.SPEAKING


def test_speech_found_after_the_replys_first_sound_is_left_to_the_barge_in_judgement() -> None:
    s = Script()
    committed_in_a_pause(s, "I would like to return")
    answering(s, "I would like to return.")
    s.frames(0.064, 0.95)
    s.onset()  # a sound that began after the reply's: it may be its echo
    s.feed(SpeechStarted(s.now, s.sample, max(0, s.sample - 5120)))
    assert not s.of(TurnReopened)
    assert s.core.state is State.SPEAKING


def test_the_replys_echo_on_a_capture_clock_running_behind_is_left_to_the_barge_in_judgement() -> (
    None
):
    """A card's capture clock can run a period or more behind (a period lost in an xrun, a
    server that misreports its latency): the echo of the reply's first sound then reads as
    made before the reply went out. When its frame reached the program decides, not that."""
    s = Script()
    committed_in_a_pause(s, "I would like to return")
    answering(s, "I would like to return.")
    s.frames(0.02, 0.95)
    s.onset(behind_s=0.06)  # its sample is 40 ms before the reply's first sound
    s.feed(SpeechStarted(s.now, s.sample, max(0, s.sample - 5120)))
    assert not s.of(TurnReopened)
    assert s.core.state is State.SPEAKING


def test_speech_long_after_the_commit_supersedes_the_reply() -> None:
    s = Script()
    asked(s)
    s.silence(2.0)  # the reply is slow; the reopen window has passed
    s.speech(0.5)
    assert [e.turn for e in s.of(TurnOpened)] == [1, 2] and not s.of(TurnReopened)
    assert s.effects(CancelReplies)[-1] == CancelReplies(2)
    assert s.core.state is State.USER_SPEAKING and s.core.reply is None


def test_a_short_sound_pauses_and_resumes() -> None:
    s = Script()
    asked(s)
    answering(s, "It is noon and the shop is open.")
    s.frames(0.1, 0.95)  # a cough
    assert s.effects(PausePlayout) and s.last(BargeIn).action is BargeInAction.PAUSE
    s.silence(0.5)
    assert s.effects(ResumePlayout) and s.last(BargeIn).action is BargeInAction.RESUME
    assert s.last(TurnDiscarded).reason == "not an interruption (sound)"
    assert s.core.state is State.SPEAKING


def test_a_sound_onset_pauses_at_once() -> None:
    s = Script()
    asked(s)
    answering(s, "It is noon and the shop is open.")
    s.onset()
    assert s.effects(PausePlayout) and s.last(BargeIn).action is BargeInAction.PAUSE


def test_a_caller_who_keeps_talking_takes_the_floor() -> None:
    s = Script()
    asked(s)
    answering(s, "It is noon and the shop is open.")
    s.play(2 * WORD_SAMPLES)  # "It is noon" has played
    s.speech_starts()
    s.frames(1.4, 0.95)
    interrupt = s.last(BargeIn)
    assert interrupt.action is BargeInAction.INTERRUPT and interrupt.reason == "sound"
    cut = s.last(AssistantTurn)
    assert cut.interrupted and cut.text == "It is noon"
    assert s.history()[-1] == ("assistant", "It is noon —")
    assert s.core.state is State.USER_SPEAKING and s.core.turn is not None
    assert s.effects(CancelReplies)[-1] == CancelReplies(2)


def test_a_transcript_of_real_words_interrupts() -> None:
    s = Script()
    asked(s)
    answering(s, "It is noon and the shop is open.")
    s.frames(0.4, 0.95)
    suspect = s.core.interruptions.suspect
    assert suspect is not None
    s.heard("Stop, I need something else.", turn=suspect.turn, final=False)
    assert (
        s.last(BargeIn).action is BargeInAction.INTERRUPT and s.last(BargeIn).reason == "transcript"
    )
    assert s.core.state is State.USER_SPEAKING


def test_a_backchannel_resumes() -> None:
    s = Script()
    asked(s)
    answering(s, "It is noon and the shop is open.")
    s.frames(0.4, 0.95)
    s.heard("okay", turn=s.core.interruptions.suspect.turn, final=False)
    assert s.core.interruptions.suspect is not None  # "okay" may start "okay, but…": wait
    s.silence(0.6)
    assert s.last(BargeIn).action is BargeInAction.RESUME and s.core.state is State.SPEAKING


def test_the_agents_own_echo_resumes() -> None:
    s = Script()
    asked(s)
    answering(s, "It is noon and the shop is open.")
    s.frames(0.4, 0.95)
    s.heard("the shop is open", turn=s.core.interruptions.suspect.turn, final=False)
    s.silence(0.4)
    assert s.last(BargeIn).action is BargeInAction.RESUME and not s.of(AssistantTurn)


def test_a_suspect_is_probed() -> None:
    s = Script()
    asked(s)
    answering(s, "It is noon and the shop is open.")
    s.frames(0.4, 0.95)
    probe = s.last(TranscribeRequest)
    assert probe.turn == s.core.interruptions.suspect.turn and not probe.final


def test_the_reply_ending_while_judging_gives_the_caller_the_floor() -> None:
    s = Script()
    asked(s)
    answering(s, "Noon.")
    s.frames(0.1, 0.95)  # paused for a maybe-caller …
    s.out.paused = False  # … as the last samples left the device
    s.play_all()
    assert s.last(AssistantTurn).text == "Noon." and not s.last(AssistantTurn).interrupted
    assert s.core.state is State.USER_SPEAKING and s.core.interruptions.suspect is None


def test_a_rejoin_starts_where_the_resumed_suspect_did() -> None:
    s = Script()
    asked(s)
    answering(s, "It is noon and the shop is open, every day.")
    s.frames(0.1, 0.95)
    first = s.core.interruptions.suspect.audio_start
    s.silence(0.4)
    assert s.last(BargeIn).action is BargeInAction.RESUME
    s.frames(0.1, 0.95)
    assert s.core.interruptions.suspect.audio_start == first


def test_an_untrusted_canceller_pauses_nothing() -> None:
    s = Script(aec=True)
    asked(s)
    answering(s, "It is noon and the shop is open.")
    s.echo(erle_db=3.0)
    s.frames(0.3, 0.95)
    assert not s.effects(PausePlayout)


def test_speech_just_after_a_device_xrun_pauses_nothing_until_the_guard_has_passed() -> None:
    s = Script()
    asked(s)
    answering(s, "It is noon and the shop is open.")
    s.frames(0.3, 0.95, after_break=True)  # the canceller's jump: the agent's own voice
    assert not s.effects(PausePlayout)
    s.frames(0.1, 0.95)  # still voiced once the guard has passed: judged as ever
    assert s.effects(PausePlayout)


def test_an_xrun_flag_that_comes_after_the_onset_it_made_resumes_playout() -> None:
    s = Script()
    asked(s)
    answering(s, "It is noon and the shop is open.")
    s.onset()  # the canceller's jump, judged before the device's flag came
    s.frames(0.04, 0.95)
    assert s.out.paused
    s.device_break(seconds_ago=0.02)  # the flag: the break was 20 ms after the onset
    assert not s.out.paused
    resumed = s.last(BargeIn)
    assert (resumed.action, resumed.reason) == (BargeInAction.RESUME, "device xrun")
    assert s.last(TurnDiscarded).reason == "not an interruption (device xrun)"


def test_an_xrun_flag_for_a_break_just_before_the_onset_resumes_playout() -> None:
    s = Script()
    asked(s)
    answering(s, "It is noon and the shop is open.")
    s.onset()
    s.frames(0.04, 0.95)
    s.device_break(seconds_ago=0.1)  # the break was 60 ms before the onset, told only now
    assert not s.out.paused and s.last(BargeIn).reason == "device xrun"


def test_an_xrun_long_after_the_onset_leaves_the_caller_paused_for() -> None:
    s = Script()
    asked(s)
    answering(s, "It is noon and the shop is open, every day of the week.")
    s.onset()  # a caller
    s.frames(0.3, 0.95)
    s.device_break()  # an xrun 0.3 s into their speech: not what the onset was
    assert s.out.paused and s.last(BargeIn).action is BargeInAction.PAUSE


def test_speculative_prefill_of_the_stable_words_and_prefetch() -> None:
    config = Config()
    config.transcriber.prefill_whole = False
    s = Script(config)
    s.speech_starts()
    s.frames(1.0, 0.95)  # still speaking
    s.heard("Where is order 4711", final=False, unstable="and")
    prefill = s.last(PrefillRequest)
    assert prefill.messages[-1] == {"role": "user", "content": "Where is order 4711"}
    prefetch = s.last(ToolPrefetch)
    assert (prefetch.tool, prefetch.order_id) == ("get_order_status", "4711")


def test_prefill_whole_prefills_the_whole_hypothesis_and_looks_up_stable_words_only() -> None:
    config = Config()
    config.transcriber.prefill_whole = True
    s = Script(config)
    s.speech_starts()
    s.frames(1.0, 0.95)  # still speaking
    s.heard("", final=False, unstable="Where is order 4711")
    prefill = s.last(PrefillRequest)
    assert prefill.messages[-1] == {"role": "user", "content": "Where is order 4711"}
    assert not s.of(ToolPrefetch), "a lookup waits for the words to settle"
    s.heard("Where is order 4711", final=False, unstable="now?")
    assert s.last(PrefillRequest).messages[-1]["content"] == "Where is order 4711 now?"
    assert s.last(ToolPrefetch).order_id == "4711"
    before = len(s.of(PrefillRequest))
    s.heard("Where is order 4711 now?", final=False)
    assert len(s.of(PrefillRequest)) == before, "the same words are not prefilled twice"


def test_a_side_effect_needs_a_yes() -> None:
    s = Script(order_ids=frozenset({"4711"}))
    asked(s, "Please cancel order 4711.")
    assert s.last(ReplyRequest).step is Step.CONFIRM
    s.reply("Cancel order 4711?")
    s.play_all()
    asked(s, "Yes, please.", speech_s=0.5)
    plan = s.last(ReplyRequest)
    assert plan.step is Step.EXECUTE
    assert plan.call == ToolCall("cancel_order", "4711", ToolPhase.CONFIRMED)


def test_no_drops_the_side_effect() -> None:
    s = Script(order_ids=frozenset({"4711"}))
    asked(s, "Please cancel order 4711.")
    s.reply("Cancel order 4711?")
    s.play_all()
    asked(s, "No.", speech_s=0.4)
    assert s.last(ReplyRequest).step is Step.DROPPED


def test_a_failed_tool_offers_a_retry_that_a_yes_runs() -> None:
    s = Script(order_ids=frozenset({"4711"}))
    asked(s, "Where is order 4711?")
    assert s.last(ReplyRequest).step is Step.LOOKUP
    s.tool(s.gen, ok=False)
    s.reply("Sorry, I could not reach the order system. Shall I try again?")
    s.play_all()
    asked(s, "Yes.", speech_s=0.4)
    plan = s.last(ReplyRequest)
    assert plan.step is Step.EXECUTE and plan.call is not None and plan.call.order_id == "4711"


def test_cascade_transcribes_only_on_the_silence_decision() -> None:
    s = Script(pipeline=Pipeline.CASCADE)
    s.speech(1.0)
    s.silence(0.5)
    assert not s.of(TranscribeRequest)
    s.silence(0.3)  # 0.7 s of silence, whatever was said
    request = s.last(TranscribeRequest)
    assert request.final and request.until == s.core.turn.speech_end
    s.heard("What time is it?")
    assert s.last(TurnCommitted).reason == "timeout"


def test_mirror_answers_every_turn_as_said_with_no_prefill() -> None:
    s = Script(mirror=True)
    s.speech(1.0)
    s.heard("Cancel order 4711")
    s.silence(1.0)
    plan = s.last(ReplyRequest)
    assert plan.step is Step.LLM and plan.call is None
    assert not s.of(PrefillRequest) and not s.of(ToolPrefetch)


def test_a_long_call_trims_its_history_in_steps_and_keeps_what_it_established() -> None:
    """After a reply that trims the window the core says so and prefills the new head at once;
    the caller's name and the order the call was about are pinned; the next turn's prompt
    extends the prefilled one."""
    s = Script(order_ids=frozenset({"4711"}))
    limit = s.config.conversation.max_history_turns
    asked(s, "Hi, my name is Anna.")
    s.reply("Hello Anna.")
    s.play_all()
    asked(s, "Where is order 4711?")
    s.tool(s.gen, ok=True)
    s.reply("Your order 4711 is on its way.")
    s.play_all()
    said = s.last(PrefillRequest).messages[-1]  # the template answer, in the cache at once
    assert said == {"role": "assistant", "content": "Your order 4711 is on its way."}
    topics = ["apples", "pears", "plums", "figs", "limes", "dates", "kiwis", "grapes", "melons"]
    for topic in (topics * 3)[: limit - 1]:  # the reply to the last one trims
        asked(s, f"Tell me about {topic}.")
        s.reply(f"{topic.title()} are fruit.")
        s.play_all()
    trimmed = s.last(HistoryTrimmed)
    assert trimmed.kept == s.config.conversation.keep_history_turns
    assert trimmed.pinned == ("The caller's name is Anna.", "The order in question is 4711.")
    prefill = s.last(PrefillRequest)
    assert prefill.t == trimmed.t and prefill.messages == s.core.history.messages()
    assert (
        "Known from earlier in this call: The caller's name is Anna."
        in prefill.messages[0]["content"]
    )
    assert all("Anna" not in text for _, text in s.history())
    asked(s, "What is my name?")
    request = s.last(ReplyRequest)
    assert request.messages[: len(prefill.messages)] == prefill.messages
