"""Barge-in, echo and false interruptions, end to end on the simulated caller (real models)."""

from __future__ import annotations

import dataclasses

import pytest

from voicecli.bench.metrics import RunRecord, false_pauses, interrupted_reply_text, turn_metrics
from voicecli.bench.played import heard_error_words, played_audio
from voicecli.bench.scenario import Caller, parse_scenario, shipped_scenarios
from voicecli.bench.simulator import CallerSimulator
from voicecli.config import Config
from voicecli.events import AssistantTurn, BargeIn, TurnCommitted
from voicecli.terms import BargeInAction
from voicecli.wer import normalize_words
from voicecli.wiring import TalkOptions, build_conversation

pytestmark = pytest.mark.slow


def simulate(config: Config, engines, scenario, aec: bool = True):
    """Run a scenario; returns the result, the record, turn metrics, and how often the agent
    heard itself (phantom turns plus pauses for nobody)."""
    simulator = CallerSimulator(scenario, engines.tts.sample_rate)
    options = TalkOptions(max_seconds=150, aec=aec)
    result = build_conversation(config, engines, options, mic=simulator).run()
    assert not result.error, f"a stage failed: {result.error}"
    record = RunRecord.of(scenario, "streaming", 0, simulator, result)
    turns, phantoms = turn_metrics(record)
    return result, record, turns, phantoms + false_pauses(record)


def what_happened(result) -> str:
    """The barge-in decisions, commits and replies of a run (seconds into it), for a failing
    assertion."""
    kinds = (BargeIn, TurnCommitted, AssistantTurn)
    lines = [f"{e.t - result.t0:.2f} {e}" for e in result.events if isinstance(e, kinds)]
    return "\n".join(["what happened:", *lines])


def test_barge_in_stops_the_reply_keeps_the_first_word_and_what_was_heard(
    config, engines, stt
) -> None:
    scenario = parse_scenario(shipped_scenarios() / "barge-in-late.toml")
    result, record, turns, _ = simulate(config, engines, scenario)
    barge = turns[1]
    assert barge.kind == "barge_in"
    interrupted = [e for e in result.events if isinstance(e, AssistantTurn) and e.interrupted]
    assert len(interrupted) == 1, "the story was cut short"
    assert any(e.action is BargeInAction.INTERRUPT for e in result.events if isinstance(e, BargeIn))
    assert normalize_words(barge.transcript or "")[:1] == ["okay"], barge.transcript
    assert barge.barge_in_stop_ms is not None
    # history holds what the speaker played: transcribe the played audio and compare
    audio = played_audio(record, record.placements[1])
    assert audio is not None
    said = interrupted_reply_text(record, record.placements[1])
    played = stt.transcribe(audio, words=False).text
    assert heard_error_words(interrupted[0].text, said, played) <= 1, (interrupted[0].text, played)


def test_backchannels_and_coughs_do_not_end_the_reply(config, engines) -> None:
    for name in ("backchannel", "cough"):
        scenario = parse_scenario(shipped_scenarios() / f"{name}.toml")
        result, _, turns, phantoms = simulate(config, engines, scenario)
        replies = [e for e in result.events if isinstance(e, AssistantTurn)]
        assert replies and not any(e.interrupted for e in replies), name
        assert not any(t.false_barge_in for t in turns), name
        assert phantoms == 0, name
        commits = [e for e in result.events if isinstance(e, TurnCommitted)]
        assert len(commits) == 1, [c.text for c in commits]


def test_echo_is_not_the_caller_and_without_aec_it_is(config, engines) -> None:
    scenario = parse_scenario(shipped_scenarios() / "echo-loud.toml")
    short = dataclasses.replace(scenario, turns=scenario.turns[:2])
    assert short.caller == Caller(echo_gain_db=-3.0, echo_delay_ms=20.0, echo_reverb_ms=200.0)
    result, _, _turns, phantoms = simulate(config, engines, short, aec=True)
    replies = [e for e in result.events if isinstance(e, AssistantTurn)]
    assert len(replies) == 2 and not any(e.interrupted for e in replies), what_happened(result)
    assert phantoms == 0, what_happened(result)
    result, _, _turns, phantoms = simulate(config, engines, short, aec=False)
    heard_itself = phantoms + sum(
        1 for e in result.events if isinstance(e, AssistantTurn) and e.interrupted
    )  # turns it made up and pauses for nobody (simulate counts both), replies it cut short
    assert heard_itself > 0, "without echo cancellation the agent must hear itself"
