"""What the replies made before the commit did for one caller turn, read off a run's events.

Per turn: whether a held reply was used at the commit, dropped (and why), or never made; the
time the LLM and the voice spent on replies that were thrown away (each held reply's wall time
from its request to its last written piece, plus its synthesis time: on this machine a stage's
wall time is close to the CPU time of its threads); and how many spans of a dropped reply
played — which must be none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from voicecli.events import (
    Event,
    ReplyDone,
    ReplyRequest,
    SpanPlaying,
    SpeculationEnded,
    TtsChunk,
)
from voicecli.terms import SpeculationOutcome


@dataclass(frozen=True)
class Speculated:
    """The speculation of one caller turn."""

    outcome: str | None = None  # "used", "dropped" or None (no reply was made early)
    dropped_reasons: list[str] = field(default_factory=list)
    dropped_work_ms: float = 0.0
    dropped_spans_played: int = 0


def speculated(events: Sequence[Event], turns: set[int], gen: int) -> Speculated:
    """The speculation for the core's turns `turns` (one caller turn may be several, when it
    was reopened or superseded) whose reply is generation `gen`."""
    ended = [e for e in events if isinstance(e, SpeculationEnded) and e.turn in turns]
    if not ended:
        return Speculated()
    dropped = [e for e in ended if e.outcome is SpeculationOutcome.DROPPED]
    used = any(e.outcome is SpeculationOutcome.USED and e.gen == gen for e in ended)
    gens = {e.gen for e in dropped}
    return Speculated(
        outcome="used" if used else "dropped",
        dropped_reasons=[e.reason for e in dropped],
        dropped_work_ms=round(sum(_work_ms(events, g) for g in gens), 1),
        dropped_spans_played=sum(1 for e in events if isinstance(e, SpanPlaying) and e.gen in gens),
    )


def _work_ms(events: Sequence[Event], gen: int) -> float:
    """Milliseconds the LLM and the voice spent on held reply `gen`."""
    asked = next((e.t for e in events if isinstance(e, ReplyRequest) and e.gen == gen), None)
    done = next((e.t for e in events if isinstance(e, ReplyDone) and e.gen == gen), None)
    writing = (done - asked) * 1000.0 if asked is not None and done is not None else 0.0
    voicing = sum(e.synth_ms for e in events if isinstance(e, TtsChunk) and e.gen == gen)
    return writing + voicing
