"""Pipeline modes: the streaming product, the naive cascade it is measured against, Voice Mirror.

A mode is chosen once, when the conversation is built (voicecli/wiring.py); nothing asks
"which mode am I in?" afterwards. For the core it is a `CoreMode`: the turn rules, whether it
does reversible work while the caller speaks, whether it asks for the turn's transcript only
once the turn has ended, and the planner that answers a committed turn (the tool rules, or
Voice Mirror's echo). For the stages it is which transcriber and which reply writer are built.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from voicecli.config import Config
from voicecli.policy.commitrules import Plan
from voicecli.policy.turn import TurnRules
from voicecli.terms import Step, ToolCall

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


class Planner(Protocol):
    """Decides how a committed turn is answered (policy/commitrules.py CommitRules)."""

    def prefetch(self, partial: str) -> ToolCall | None:
        """Before commit: a read-only lookup worth starting on the stable words, if any."""
        ...

    def read_a_whole_order(self, text: str) -> bool:
        """The words end on the whole number of an order the store has."""
        ...

    def decide(self, text: str) -> Plan: ...

    def preview(self, text: str) -> Plan:
        """The plan `decide(text)` would make, changing nothing."""
        ...

    def withdraw(self) -> None:
        """The last committed turn was taken back: forget what deciding it changed."""
        ...

    def offer_retry(self, call: ToolCall) -> None:
        """A confirmed tool call failed: let the caller's next yes retry it."""
        ...


class EchoPlanner:
    """Voice Mirror: every turn is answered by the writer (which repeats it), no tools."""

    def prefetch(self, partial: str) -> ToolCall | None:
        return None

    def read_a_whole_order(self, text: str) -> bool:
        return False

    def decide(self, text: str) -> Plan:
        return Plan(Step.LLM)

    def preview(self, text: str) -> Plan:
        return Plan(Step.LLM)

    def withdraw(self) -> None:
        return None

    def offer_retry(self, call: ToolCall) -> None:
        return None


@dataclass(frozen=True)
class CoreMode:
    """What the conversation core does in the mode it was built for."""

    name: str  # "streaming", "cascade" or "mirror": what the session log says it ran
    rules: TurnRules
    planner: Planner
    speculate: bool = True  # prefill the LLM and prefetch lookups while the caller speaks
    prefill_whole: bool = True  # ...with each hypothesis whole, its unstable tail too
    speculate_replies: bool = False  # make the reply while the caller pauses, held unplayed
    speculate_on_interim: bool = False  # ...from the last interim, not the pause's decode
    transcribe_when_ended: bool = False  # ask for the whole turn's transcript at its end


def core_mode(
    config: Config, pipeline: Pipeline, planner: Planner, mirror: bool = False
) -> CoreMode:
    """The core's side of a mode: the only place that asks which mode it is."""
    cascade = pipeline is Pipeline.CASCADE
    return CoreMode(
        name="mirror" if mirror else pipeline.value,
        rules=cascade_rules(config.turn) if cascade else config.turn,
        planner=EchoPlanner() if mirror else planner,
        speculate=config.transcriber.speculative_prefill and not mirror and not cascade,
        prefill_whole=config.transcriber.prefill_whole,
        speculate_replies=config.conversation.speculative_replies and not mirror and not cascade,
        speculate_on_interim=config.conversation.speculate_on_interim,
        transcribe_when_ended=cascade,
    )
