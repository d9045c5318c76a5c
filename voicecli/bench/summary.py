"""Bench summary: p50/p95 of every timing, failure rates, per pipeline, per tag, per caller
voice and corpus split (holdout first), and ratios."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from voicecli.bench.metrics import TurnMetrics
from voicecli.timingstats import percentiles
from voicecli.wer import word_error_rate

TIMINGS = (
    "endpoint_ms",
    "stt_final_ms",
    "llm_first_token_ms",
    "llm_first_clause_ms",
    "tts_first_chunk_ms",
    "ttfa_ms",
    "first_content_audio_ms",
    "barge_in_stop_ms",
)
ANSWERED = ("turn", "barge_in")  # caller turns that expect a reply


def corpus_wer(turns: list[TurnMetrics]) -> float | None:
    """WER over the turns' references and transcripts (None when none has a reference)."""
    if not turns:
        return None
    refs = [t.reference for t in turns]
    return round(word_error_rate(refs, [t.transcript or "" for t in turns]), 4)


def pipelines_of(turns: list[TurnMetrics]) -> list[str]:
    """The pipelines the turns ran in (a --vary variant apart), streaming first."""
    return sorted({t.label for t in turns}, key=lambda p: (not p.startswith("streaming"), p))


@dataclass
class RunCounts:
    """What the runs of one mode counted beside their turns: turns the caller never took,
    pauses for nobody, the echo canceller's ERLE, and the audio devices' missed deadlines."""

    phantom_turns: int = 0
    false_pauses: int = 0
    capture_overruns: int = 0
    playout_underruns: int = 0
    device_xruns: int = 0
    erle_db: list[float] = field(default_factory=list)
    echo_sum: float = 0.0  # the echo the canceller was given, over every reading
    residual_sum: float = 0.0  # what it left of it

    def add(self, other: RunCounts) -> None:
        """Count one more run into these."""
        self.phantom_turns += other.phantom_turns
        self.false_pauses += other.false_pauses
        self.capture_overruns += other.capture_overruns
        self.playout_underruns += other.playout_underruns
        self.device_xruns += other.device_xruns
        self.erle_db += other.erle_db
        self.echo_sum += other.echo_sum
        self.residual_sum += other.residual_sum

    def overall_erle_db(self) -> float | None:
        """ERLE over all the echo of the runs: the echo's power over what was left of it."""
        if self.echo_sum <= 0.0:
            return None
        return round(10.0 * math.log10(self.echo_sum / max(self.residual_sum, 1e-12)), 1)


def _rate(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def speculation_summary(turns: list[TurnMetrics]) -> dict[str, Any]:
    """How often a reply made before the commit was used or dropped, what the dropped ones
    cost, and TTFA split by it."""
    outcomes = {"used": "used", "dropped": "dropped", "none": None}
    return {
        **{name: sum(t.speculation == value for t in turns) for name, value in outcomes.items()},
        "dropped_work_ms": round(sum(t.dropped_work_ms for t in turns), 1),
        "dropped_spans_played": sum(t.dropped_spans_played for t in turns),
        "ttfa_ms": {
            name: percentiles(t.ttfa_ms for t in turns if t.speculation == value)
            for name, value in outcomes.items()
        },
    }


def pipeline_summary(turns: list[TurnMetrics], counts: RunCounts) -> dict[str, Any]:
    """Everything the bench reports for one pipeline mode."""
    answered = [t for t in turns if t.kind in ANSWERED]
    checked = [t.heard_text_error_words for t in turns if t.heard_text_error_words is not None]
    with_ref = [t for t in answered if t.reference]
    expected = [t for t in turns if t.expect_pass is not None]
    backchannels = [t for t in turns if t.kind == "backchannel"]
    return {
        "turns": len(turns),
        "timings": {name: percentiles(getattr(t, name) for t in turns) for name in TIMINGS},
        "rates": {
            "false_cutoff": _rate([t.false_cutoff for t in answered]),
            "reopened": _rate([t.reopened for t in answered]),
            "missing_reply": _rate([t.ttfa_ms is None for t in answered]),
            "expect_pass": _rate([bool(t.expect_pass) for t in expected]),
            "false_barge_in": _rate([t.false_barge_in for t in backchannels]),
        },
        "wer": corpus_wer(with_ref),
        "speculation": speculation_summary(answered),
        "phantom_turns": counts.phantom_turns,
        "false_pauses": counts.false_pauses,
        "capture_overruns": counts.capture_overruns,
        "playout_underruns": counts.playout_underruns,
        "device_xruns": counts.device_xruns,
        "erle_db": percentiles(counts.erle_db),
        "erle_overall_db": counts.overall_erle_db(),
        "heard_text": {
            "checked": len(checked),
            "within_one_word": _rate([e <= 1 for e in checked]),
            "max_error_words": max(checked) if checked else None,
        },
    }


def caller_summary(turns: list[TurnMetrics]) -> dict[str, Any]:
    """How well one group of turns (a voice, a split) was understood and answered."""
    answered = [t for t in turns if t.kind in ANSWERED]
    with_ref = [t for t in answered if t.reference]
    expected = [t for t in turns if t.expect_pass is not None]
    return {
        "turns": len(answered),
        "expect_pass": _rate([bool(t.expect_pass) for t in expected]),
        "wer": corpus_wer(with_ref),
        "unanswered": sum(t.ttfa_ms is None for t in answered),
        "false_cutoffs": sum(t.false_cutoff for t in answered),
        "order_calls": sum(len(t.order_calls) for t in turns),
        "wrong_order_calls": sum(t.wrong_order_calls for t in turns),
        "ttfa_ms": percentiles(t.ttfa_ms for t in answered),
    }


def by_caller(turns: list[TurnMetrics], key: str) -> dict[str, Any]:
    """`caller_summary` per pipeline and value of `key` ("voice", "split"), holdout first."""
    out: dict[str, Any] = {}
    for pipeline in pipelines_of(turns):
        mine = [t for t in turns if t.label == pipeline]
        values = sorted({getattr(t, key) for t in mine}, key=lambda v: (v != "holdout", v))
        out[pipeline] = {
            (v or "clips"): caller_summary([t for t in mine if getattr(t, key) == v])
            for v in values
        }
    return out


def summarize(turns: list[TurnMetrics], counts: dict[str, RunCounts]) -> dict[str, Any]:
    """Summary per pipeline, per tag and pipeline (TTFA), and cascade/streaming ratios."""
    pipelines = pipelines_of(turns)
    out: dict[str, Any] = {
        "pipelines": {
            p: pipeline_summary([t for t in turns if t.label == p], counts.get(p, RunCounts()))
            for p in pipelines
        }
    }
    tags = sorted({tag for t in turns for tag in t.tags})
    out["by_tag"] = {
        tag: {
            p: percentiles(t.ttfa_ms for t in turns if t.label == p and tag in t.tags)
            for p in pipelines
        }
        for tag in tags
    }
    if any(t.voice or t.split for t in turns):
        out["by_split"] = by_caller(turns, "split")
        out["by_voice"] = by_caller(turns, "voice")
    if {"streaming", "cascade"} <= set(pipelines):
        fast = out["pipelines"]["streaming"]["timings"]
        slow = out["pipelines"]["cascade"]["timings"]
        out["ratio_cascade_over_streaming"] = {
            name: {
                q: round(slow[name][q] / fast[name][q], 2)
                if slow[name][q] and fast[name][q]
                else None
                for q in ("p50", "p95")
            }
            for name in TIMINGS
        }
    return out
