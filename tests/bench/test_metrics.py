"""Bench metrics on synthetic traces: timings, cut-offs, barge-in stop, expect, summary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voicecli.bench.metrics import RunRecord, turn_metrics
from voicecli.bench.scenario import Scenario, Turn
from voicecli.bench.simulator import Placement
from voicecli.bench.summary import RunCounts, summarize
from voicecli.events import (
    AssistantTurn,
    LlmFirstToken,
    PlayoutStarted,
    ReplyPiece,
    SpanStarted,
    SpeculationEnded,
    ToolPrefetch,
    ToolRequest,
    ToolResult,
    Transcript,
    TtsChunk,
    TurnCommitted,
    TurnReopened,
)
from voicecli.terms import SpeculationOutcome, ToolPhase
from voicecli.timingstats import percentiles

T0 = 100.0
OUT = 22050
MIC = 16000


def turn(kind: str = "turn", text: str = "what is the capital of france", expect=()) -> Turn:
    return Turn(audio=Path("clip.wav"), text=text, kind=kind, expect=tuple(expect))


def place(index: int, t: Turn, onset: float, end: float, pauses=()) -> Placement:
    return Placement(index, t, onset - 0.1, onset, end, tuple(pauses), t.start)


def played(*spans: tuple[float, float], seconds: float = 12.0) -> np.ndarray:
    audio = np.zeros(int(seconds * OUT), dtype=np.float32)
    for start, end in spans:
        audio[int(start * OUT) : int(end * OUT)] = 0.1
    return audio


def record(placements, events, audio, pipeline="streaming", tags=("plain",)) -> RunRecord:
    turns = tuple(p.turn for p in placements)
    scenario = Scenario(name="synthetic", path=Path("s.toml"), turns=turns, tags=tuple(tags))
    return RunRecord(scenario, pipeline, 0, placements, events, T0, audio, OUT)


def answered_turn_events(gen: int = 1, end: float = 2.0, heard: str = "Paris.") -> list:
    return [
        Transcript(
            T0 + end + 0.30,
            1,
            "What is the capital of France?",
            "",
            int((end + 0.1) * MIC),
            200.0,
            True,
        ),
        TurnCommitted(
            T0 + end + 0.35,
            1,
            gen,
            "What is the capital of France?",
            "complete",
            int((end + 0.1) * MIC),
            250.0,
        ),
        LlmFirstToken(T0 + end + 0.45, gen, 100.0, 50, 60),
        ReplyPiece(T0 + end + 0.60, gen, 0, "Paris.", "Paris."),
        TtsChunk(T0 + end + 0.75, gen, 0, 4000, 120.0),
        PlayoutStarted(T0 + end + 0.80, gen, int((end + 0.80) * OUT)),
        SpanStarted(T0 + end + 0.80, gen, 0, int((end + 0.80) * OUT)),
        AssistantTurn(T0 + end + 1.5, gen, heard, False),
    ]


def test_every_timing_of_an_answered_turn() -> None:
    p = place(0, turn(expect=["paris"]), onset=0.5, end=2.0)
    audio = played((2.81, 3.5))
    [m], phantoms = turn_metrics(record([p], answered_turn_events(), audio))
    assert phantoms == 0
    assert m.endpoint_ms == pytest.approx(350, abs=1)
    assert m.stt_final_ms == pytest.approx(300, abs=1)
    assert m.llm_first_token_ms == pytest.approx(100, abs=1)
    assert m.llm_first_clause_ms == pytest.approx(250, abs=1)
    assert m.tts_first_chunk_ms == pytest.approx(150, abs=1)
    assert m.ttfa_ms == pytest.approx(810, abs=1), "first reply sample out − truth speech end"
    assert m.first_content_audio_ms == pytest.approx(810, abs=1)
    assert m.wer == 0.0 and m.heard_reply == "Paris." and m.expect_pass is True
    assert not m.false_cutoff and not m.reopened


def test_commit_inside_a_pause_is_a_false_cutoff_unless_reopened() -> None:
    p = place(0, turn(), onset=0.5, end=3.0, pauses=[(1.2, 0.7)])
    early = TurnCommitted(T0 + 1.6, 1, 1, "what is the", "timeout", int(1.2 * MIC), 800.0)
    late = answered_turn_events(gen=2, end=3.0)
    [m], _ = turn_metrics(record([p], [early, *late], played((3.81, 4.5))))
    assert m.false_cutoff and m.transcript == "What is the capital of France?"
    reopen = TurnReopened(T0 + 1.9, 1, 2, 1)
    [m], _ = turn_metrics(record([p], [early, reopen, *late], played((3.81, 4.5))))
    assert not m.false_cutoff and m.reopened


def test_barge_in_stop_is_measured_at_the_speaker() -> None:
    first = place(0, turn(), onset=0.5, end=2.0)
    barge = place(1, turn("barge_in", "stop"), onset=4.0, end=4.5)
    audio = played((2.81, 4.06))  # the agent falls silent 60 ms after the caller starts
    [_, m], _ = turn_metrics(record([first, barge], answered_turn_events(), audio))
    assert m.barge_in_stop_ms == pytest.approx(60, abs=2)


def test_barge_in_stop_is_none_when_the_agent_was_not_speaking() -> None:
    barge = place(0, turn("barge_in", "stop"), onset=5.0, end=5.5)
    [m], _ = turn_metrics(record([barge], [], played((1.0, 2.0))))
    assert m.barge_in_stop_ms is None


def test_backchannel_that_ends_the_reply_is_a_false_barge_in() -> None:
    first = place(0, turn(), onset=0.5, end=2.0)
    nod = place(1, turn("backchannel", "yeah"), onset=3.2, end=3.4)
    events = answered_turn_events()
    events[-1] = AssistantTurn(T0 + 3.3, 1, "Paris", True)
    [_, m], _ = turn_metrics(record([first, nod], events, played((2.81, 3.3))))
    assert m.false_barge_in
    events[-1] = AssistantTurn(T0 + 5.0, 1, "Paris.", False)
    [_, m], _ = turn_metrics(record([first, nod], events, played((2.81, 5.0))))
    assert not m.false_barge_in


def test_expect_matches_the_spoken_form_and_phantoms_are_counted() -> None:
    p = place(0, turn(text="how many days are in a week", expect=["seven"]), onset=0.5, end=2.0)
    events = answered_turn_events(heard="There are 7 days in a week.")
    phantom = TurnCommitted(T0 + 9.0, 2, 3, "there are seven days", "likely", 8 * MIC, 500.0)
    [m], phantoms = turn_metrics(record([p], [*events, phantom], played((2.81, 4.0))))
    assert m.expect_pass is True
    assert phantoms == 1


def test_no_commit_means_no_reply_and_expect_fails() -> None:
    p = place(0, turn(expect=["paris"]), onset=0.5, end=2.0)
    [m], _ = turn_metrics(record([p], [], played()))
    assert m.ttfa_ms is None and m.transcript is None and m.expect_pass is False


def test_percentiles() -> None:
    values = [100.0, 200.0, 300.0, 400.0, None, 1000.0]
    assert percentiles(values) == {"p50": 300.0, "p95": 880.0, "n": 5}
    assert percentiles([None]) == {"p50": None, "p95": None, "n": 0}


def test_summary_rates_wer_and_the_ratio_between_modes() -> None:
    fast = place(0, turn(expect=["paris"]), onset=0.5, end=2.0)
    turns = []
    for pipeline, first_sound in (("streaming", 2.81), ("cascade", 4.02)):
        events = answered_turn_events()
        events[5] = PlayoutStarted(T0 + first_sound, 1, int(first_sound * OUT))
        ms, _ = turn_metrics(record([fast], events, played((first_sound, 5.0)), pipeline))
        turns += ms
    counts = RunCounts(echo_sum=2.0, residual_sum=0.02)
    counts.add(RunCounts(echo_sum=1.0, residual_sum=0.01))
    summary = summarize(turns, {"streaming": counts, "cascade": RunCounts(phantom_turns=2)})
    streaming = summary["pipelines"]["streaming"]
    assert streaming["erle_overall_db"] == 20.0  # the echo's power over what was left of it
    assert summary["pipelines"]["cascade"]["erle_overall_db"] is None  # no echo was measured
    assert streaming["timings"]["ttfa_ms"]["p50"] == pytest.approx(810, abs=1)
    assert streaming["rates"]["expect_pass"] == 1.0 and streaming["wer"] == 0.0
    assert summary["pipelines"]["cascade"]["phantom_turns"] == 2
    assert summary["ratio_cascade_over_streaming"]["ttfa_ms"]["p50"] == pytest.approx(
        2020 / 810, abs=0.01
    )
    assert summary["by_tag"]["plain"]["cascade"]["p50"] == pytest.approx(2020, abs=1)


def test_an_acknowledgement_is_first_audio_but_not_first_content_audio() -> None:
    p = place(0, turn(), onset=0.5, end=2.0)
    events = answered_turn_events()
    events[3] = ReplyPiece(T0 + 2.6, 1, 0, "Let me check that.", "Let me check that.", ack=True)
    events.insert(6, SpanStarted(T0 + 3.5, 1, 1, int(3.5 * OUT)))
    [m], _ = turn_metrics(record([p], events, played((2.81, 3.3), (3.5, 4.5))))
    assert m.ttfa_ms == pytest.approx(810, abs=1)
    assert m.first_content_audio_ms == pytest.approx(1500, abs=1)


def test_side_effects_before_confirmation_are_counted() -> None:
    p = place(0, turn(), onset=0.5, end=2.0)
    events = answered_turn_events()
    events.append(ToolResult(T0 + 2.3, 1, 1, "cancel_order", "4219", ToolPhase.COMMITTED, True))
    events.append(ToolResult(T0 + 2.3, 1, 2, "get_order_status", "4219", ToolPhase.COMMITTED, True))
    [m], _ = turn_metrics(record([p], events, played((2.81, 3.5))))
    assert m.side_effects_before_commit == 1


def test_a_call_on_an_order_the_caller_does_not_have_is_a_wrong_order_call() -> None:
    p = place(0, turn(), onset=0.5, end=2.0)
    events = answered_turn_events()
    events.append(ToolRequest(T0 + 2.36, 1, 1, "get_order_status", "711", ToolPhase.COMMITTED))
    events.append(ToolPrefetch(T0 + 2.37, "get_order_status", "4711"))
    scenario = Scenario(name="s", path=Path("s.toml"), turns=(p.turn,), orders=({"id": "4711"},))
    run = RunRecord(scenario, "streaming", 0, [p], events, T0, played((2.81, 3.5)), OUT)
    [m], _ = turn_metrics(run)
    assert m.order_calls == ["711"], "a prefetch is not a call of the reply"
    assert m.wrong_order_calls == 1


def test_the_summary_is_given_per_split_and_voice_holdout_first() -> None:
    turns = []
    for voice, split, sound in (("flite-kal", "tune", 2.8), ("flite-slt", "holdout", 3.0)):
        p = place(0, turn(expect=["paris"]), onset=0.5, end=2.0)
        scenario = Scenario(
            name=f"q@{voice}", path=Path("s.toml"), turns=(p.turn,), voice=voice, split=split
        )
        events = answered_turn_events()
        events[5] = PlayoutStarted(T0 + sound, 1, int(sound * OUT))
        run = RunRecord(scenario, "streaming", 0, [p], events, T0, played((sound, 5.0)), OUT)
        turns += turn_metrics(run)[0]
    unanswered = place(0, turn(expect=["paris"]), onset=0.5, end=2.0)
    scenario = Scenario(
        name="q@flite-slt",
        path=Path("s.toml"),
        turns=(unanswered.turn,),
        voice="flite-slt",
        split="holdout",
    )
    turns += turn_metrics(RunRecord(scenario, "streaming", 0, [unanswered], [], T0, played(), OUT))[
        0
    ]
    summary = summarize(turns, {})
    assert list(summary["by_split"]["streaming"]) == ["holdout", "tune"]
    holdout = summary["by_split"]["streaming"]["holdout"]
    assert holdout["turns"] == 2 and holdout["unanswered"] == 1 and holdout["expect_pass"] == 0.5
    assert holdout["ttfa_ms"]["p50"] == pytest.approx(1000, abs=1)
    assert summary["by_voice"]["streaming"]["flite-kal"]["expect_pass"] == 1.0


def test_a_variant_is_summarised_beside_its_pipeline_with_its_speculation() -> None:
    fast = place(0, turn(expect=["paris"]), onset=0.5, end=2.0)
    turns = []
    for variant, first_sound in (("", 2.81), ("conversation.speculative_replies=true", 2.51)):
        events = answered_turn_events()
        events[5] = PlayoutStarted(T0 + first_sound, 1, int(first_sound * OUT))
        if variant:  # the reply to this turn was made before the commit and used
            events.append(SpeculationEnded(T0 + 2.3, 1, 1, SpeculationOutcome.USED, ""))
        ms, _ = turn_metrics(record([fast], events, played((first_sound, 5.0)), "streaming"))
        for m in ms:
            m.variant = variant
        turns += ms
    summary = summarize(turns, {})
    base = summary["pipelines"]["streaming"]
    varied = summary["pipelines"]["streaming conversation.speculative_replies=true"]
    assert base["speculation"]["none"] == 1 and base["speculation"]["used"] == 0
    assert varied["speculation"]["used"] == 1
    assert varied["speculation"]["ttfa_ms"]["used"]["p50"] == pytest.approx(510, abs=1)
    assert varied["speculation"]["dropped_spans_played"] == 0
