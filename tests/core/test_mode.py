"""The core's side of each mode, as the builder makes it (core/mode.py core_mode)."""

from __future__ import annotations

from voicecli.config import Config
from voicecli.core.mode import CASCADE_SILENCE_S, EchoPlanner, Pipeline, core_mode
from voicecli.policy.commitrules import CommitRules
from voicecli.terms import Step


def test_streaming_reads_transcripts_speculates_and_plans_with_the_tool_rules() -> None:
    config = Config()
    planner = CommitRules()
    mode = core_mode(config, Pipeline.STREAMING, planner)
    assert mode.name == "streaming" and mode.rules == config.turn
    assert mode.planner is planner and mode.speculate and not mode.transcribe_when_ended


def test_the_cascade_waits_a_fixed_silence_and_transcribes_once_the_turn_ended() -> None:
    mode = core_mode(Config(), Pipeline.CASCADE, CommitRules())
    assert mode.name == "cascade" and mode.transcribe_when_ended and not mode.speculate
    rules = mode.rules
    waits = (
        rules.complete_silence_s,
        rules.likely_silence_s,
        rules.silence_timeout_s,
        rules.incomplete_silence_s,
    )
    assert set(waits) == {CASCADE_SILENCE_S}


def test_voice_mirror_answers_every_turn_by_repeating_it_with_no_tool() -> None:
    mode = core_mode(Config(), Pipeline.STREAMING, CommitRules(), mirror=True)
    assert mode.name == "mirror" and isinstance(mode.planner, EchoPlanner)
    assert not mode.speculate
    assert mode.planner.decide("Cancel order 4711").step is Step.LLM
    assert mode.planner.prefetch("Where is order 4711") is None
