"""Barge-in policy on scripted VAD frames and transcripts (no models)."""

from __future__ import annotations

from voicecli.policy.interruption import (
    InterruptionPolicy,
    InterruptRules,
    Verdict,
    echo_share,
    is_backchannel,
)

FRAME = 0.032


def feed(policy: InterruptionPolicy, probabilities: list[float], start_s: float = 10.0):
    """Frames from `start_s`; returns (time, verdict) for every verdict."""
    out = []
    for i, p in enumerate(probabilities):
        now = start_s + (i + 1) * FRAME
        verdict = policy.frame(now, p, FRAME)
        if verdict is not None:
            out.append((round(now, 3), verdict))
    return out


def test_first_speech_frame_pauses_playout_at_once() -> None:
    policy = InterruptionPolicy()
    verdicts = feed(policy, [0.1, 0.2, 0.9])
    assert verdicts == [(10.096, Verdict.PAUSE)]
    assert policy.onset_s == 10.064


def test_a_cough_resumes_playout() -> None:
    policy = InterruptionPolicy()
    verdicts = feed(policy, [0.9, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    assert [v for _, v in verdicts] == [Verdict.PAUSE, Verdict.RESUME]
    resumed_at = verdicts[1][0]
    assert resumed_at - 10.0 < 0.064 + InterruptRules().resume_silence_s + 2 * FRAME


def test_backchannel_resumes_once_the_caller_stops() -> None:
    policy = InterruptionPolicy()
    feed(policy, [0.9] * 12)
    assert policy.transcript("Yeah.", played="Once upon a time there was a cat") is None
    quiet_from = 10.0 + 12 * FRAME
    verdicts = feed(policy, [0.1] * 20, start_s=quiet_from)
    assert [v for _, v in verdicts] == [Verdict.RESUME]
    # a breath after "yeah" is not the end: they may go on ("yeah, but...")
    assert verdicts[0][0] - quiet_from >= InterruptRules().backchannel_silence_s
    assert not policy.suspected


def test_okay_that_goes_on_is_an_interruption() -> None:
    policy = InterruptionPolicy()
    feed(policy, [0.9] * 12)
    assert policy.transcript("Okay,", played="Once upon a time there was a cat") is None
    feed(policy, [0.9] * 10, start_s=10.0 + 12 * FRAME)
    played = "Once upon a time there was a cat"
    assert policy.transcript("Okay, that is enough.", played) == Verdict.INTERRUPT


def test_agent_words_coming_back_are_echo_not_interruption() -> None:
    policy = InterruptionPolicy()
    feed(policy, [0.9] * 12)
    played = "Once upon a time there was a brave little cat named Tom."
    assert policy.transcript("a brave little cat named", played) is None
    verdicts = feed(policy, [0.1] * 12, start_s=10.0 + 12 * FRAME)
    assert [v for _, v in verdicts] == [Verdict.RESUME]


def test_real_words_interrupt() -> None:
    policy = InterruptionPolicy()
    feed(policy, [0.9] * 12)
    played = "Once upon a time there was a brave little cat."
    assert policy.transcript("Stop, what day is it?", played) == Verdict.INTERRUPT


def test_a_transcript_before_confirm_time_decides_nothing() -> None:
    policy = InterruptionPolicy()
    feed(policy, [0.9, 0.9])
    assert policy.transcript("stop", played="") is None
    assert policy.suspected


def test_no_transcript_in_time_interrupts_if_still_speaking() -> None:
    rules = InterruptRules()
    policy = InterruptionPolicy(rules)
    verdicts = []
    for i in range(100):
        now = 10.0 + (i + 1) * FRAME
        verdict = policy.frame(now, 0.9, FRAME)
        if verdict is not None:
            verdicts.append((now, verdict))
        if verdict is Verdict.INTERRUPT:
            break
    assert [v for _, v in verdicts] == [Verdict.PAUSE, Verdict.INTERRUPT]
    assert verdicts[1][0] - 10.0 >= rules.decide_s


def test_nothing_happens_on_silence() -> None:
    policy = InterruptionPolicy()
    assert feed(policy, [0.1] * 50) == []


def test_backchannels_and_echo_share() -> None:
    assert is_backchannel("Uh-huh.") and is_backchannel("okay, okay") and is_backchannel("Yeah")
    assert not is_backchannel("yeah but what about tomorrow")
    assert not is_backchannel("")
    assert echo_share("a brave dog", "there was a brave little cat") == 1 / 2
    assert echo_share("We have little cats.", "A brave little cat named Whiskers") == 1.0
    assert echo_share("what day is it", "A brave little cat named Whiskers") == 0.0
    story = "What is it that the cat saw? She saw the sea, and it was blue."
    assert echo_share("What is the one?", story) == 0.0, "function words say nothing"
    assert echo_share("", "anything") == 0.0


def test_nothing_starts_while_the_echo_canceller_warms_up() -> None:
    policy = InterruptionPolicy()
    assert policy.frame(1.0, 0.95, FRAME, level_db=-20.0, eager=False) is None
    assert not policy.suspected
    assert policy.frame(1.1, 0.95, FRAME, level_db=-20.0, eager=True) is Verdict.PAUSE


def test_quiet_sound_is_residual_echo_not_a_caller() -> None:
    policy = InterruptionPolicy()
    assert policy.frame(1.0, 0.95, FRAME, level_db=-55.0) is None
    assert policy.frame(1.1, 0.95, FRAME, level_db=-30.0) is Verdict.PAUSE


def test_quiet_speech_must_last_two_frames_a_loud_frame_pauses_at_once() -> None:
    # residual echo on open speakers: one speech-like frame just above the quiet limit
    policy = InterruptionPolicy()
    assert policy.frame(2.0, 0.8, FRAME, level_db=-38.0) is None
    assert policy.frame(2.032, 0.2, FRAME, level_db=-50.0) is None
    assert not policy.suspected
    # a quiet caller: the second frame in a row pauses, the onset is the first one's start
    assert policy.frame(3.0, 0.8, FRAME, level_db=-38.0) is None
    assert policy.frame(3.032, 0.8, FRAME, level_db=-37.0) is Verdict.PAUSE
    assert policy.onset_s == 3.0 - FRAME
    # a loud one: at once
    policy.reset()
    assert policy.frame(4.0, 0.8, FRAME, level_db=-25.0) is Verdict.PAUSE
