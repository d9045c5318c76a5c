"""Pipeline modes: the streaming product, and the naive cascade it is measured against."""

from __future__ import annotations

from enum import Enum

from voicecli.policy.turn import TurnRules

CASCADE_SILENCE_S = 0.7


class Pipeline(Enum):
    """How the stages cooperate.

    streaming: overlap everything — interim transcripts, a turn policy that reads them, the
    reply spoken clause by clause while the LLM still writes.
    cascade: the naive baseline — a fixed 700 ms silence ends the turn, then the whole turn is
    transcribed on the padded window, the whole reply generated, the whole reply synthesised.
    """

    STREAMING = "streaming"
    CASCADE = "cascade"


def cascade_rules(rules: TurnRules) -> TurnRules:
    """Silence only: every kind of transcript waits the same fixed time."""
    s = CASCADE_SILENCE_S
    return TurnRules(s, s, s, s, rules.reopen_window_s, rules.transcript_wait_s)
