"""The named values that cross the bus: enums every layer may read, from the bottom floor up.

An event carries these as enums, never as strings compared by hand; the session log writes
their values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class State(Enum):
    """Who holds the floor."""

    LISTENING = "listening"
    USER_SPEAKING = "user speaking"
    THINKING = "thinking"
    SPEAKING = "speaking"


class Step(Enum):
    """What the reply to a committed turn is."""

    LLM = "llm"  # no tool: the language model answers
    LOOKUP = "lookup"  # run a read-only tool, speak its facts
    ASK_NUMBER = "ask_number"  # a tool needs an order number the caller did not say
    CONFIRM = "confirm"  # ask before a side effect
    CONFIRM_NUMBER = "confirm_number"  # read a guessed order number back before using it
    INFORM = "inform"  # answer a question about the store from its knowledge base
    RECALL = "recall"  # tell the caller what they told the call (their name)
    EXECUTE = "execute"  # the caller said yes: run the side effect
    DROPPED = "dropped"  # the caller said no

    @property
    def calls_a_tool(self) -> bool:
        return self in (Step.LOOKUP, Step.EXECUTE)


class ToolPhase(Enum):
    """When a tool call happens relative to the commit boundary."""

    PREFETCH = "prefetch"  # before commit: read-only only
    COMMITTED = "committed"  # after commit: read-only
    CONFIRMED = "confirmed"  # after commit and an explicit yes: side effects


class BargeInAction(Enum):
    """What the agent did about the caller's sound over its reply."""

    PAUSE = "pause"
    RESUME = "resume"
    INTERRUPT = "interrupt"


@dataclass(frozen=True)
class ToolCall:
    """One tool call a reply plan asks for."""

    tool: str
    order_id: str
    phase: ToolPhase


class SpeculationOutcome(Enum):
    """What became of a reply made before its turn was committed."""

    USED = "used"  # the committed turn was the one it was made for: it played at once
    DROPPED = "dropped"  # thrown away unheard
