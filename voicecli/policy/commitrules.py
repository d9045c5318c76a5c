"""Commit rules for tools: what may run before a turn is committed, what needs confirmation.

- Before commit (on the stable words of a turn still being spoken): a read-only prefetch at
  most — looking an order up is safe to do early and to throw away if the turn changes.
- At commit: a read-only request is answered at once; a side effect (send a link, cancel,
  return) is never run on the turn that asks for it: the agent asks "shall I go ahead?", and
  only an explicit yes in the caller's next turn runs it.
Pure logic: it returns plans; the tool runner executes them and the session logs every call
with its commit state.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from voicecli.policy.intent import Intent, route

READ_ONLY = frozenset({Intent.ORDER_STATUS})
SIDE_EFFECTS = frozenset({Intent.TRACKING_LINK, Intent.CANCEL, Intent.RETURN})
ASK = {
    Intent.TRACKING_LINK: "Send the tracking link for order {id} to your phone — shall I go ahead?",
    Intent.CANCEL: "Cancel order {id} — shall I go ahead?",
    Intent.RETURN: "Start a return for order {id} — shall I go ahead?",
}


class Phase(Enum):
    """When a tool call happens relative to the commit boundary."""

    PREFETCH = "prefetch"  # before commit: read-only only
    COMMITTED = "committed"  # after commit: read-only
    CONFIRMED = "confirmed"  # after commit and an explicit yes: side effects


class Step(Enum):
    """What the reply to a committed turn is."""

    LLM = "llm"  # no tool: the language model answers
    LOOKUP = "lookup"  # run a read-only tool, speak its facts
    ASK_NUMBER = "ask_number"  # a tool needs an order number the caller did not say
    CONFIRM = "confirm"  # ask before a side effect
    EXECUTE = "execute"  # the caller said yes: run the side effect
    DROPPED = "dropped"  # the caller said no


@dataclass(frozen=True)
class ToolCall:
    """One call a plan asks for."""

    tool: str
    order_id: str
    phase: Phase


@dataclass(frozen=True)
class Plan:
    """How to answer a committed turn."""

    step: Step
    call: ToolCall | None = None
    say: str = ""


class CommitRules:
    """Remembers a side effect awaiting confirmation and the last order the caller named."""

    def __init__(self) -> None:
        self.pending: ToolCall | None = None
        self.last_order: str | None = None
        self._before: tuple[ToolCall | None, str | None] = (None, None)

    def prefetch(self, partial: str) -> ToolCall | None:
        """Before commit: a read-only lookup worth starting now, if any. Never a side effect."""
        routed = route(partial)
        order = routed.order_id
        if order and routed.intent in READ_ONLY | SIDE_EFFECTS:
            # even a cancellation only ever prefetches the order's status
            return ToolCall(Intent.ORDER_STATUS.value, order, Phase.PREFETCH)
        return None

    def decide(self, text: str) -> Plan:
        """The plan for a committed turn."""
        self._before = (self.pending, self.last_order)
        pending, self.pending = self.pending, None
        routed = route(
            text,
            awaiting_confirmation=pending is not None,
            order_in_focus=self.last_order is not None,
        )
        if pending is not None:
            if routed.intent is Intent.YES:
                return Plan(Step.EXECUTE, ToolCall(pending.tool, pending.order_id, Phase.CONFIRMED))
            if routed.intent is Intent.NO:
                return Plan(Step.DROPPED, say="Okay, I won't.")
        if routed.order_id:
            self.last_order = routed.order_id
        if routed.intent not in READ_ONLY | SIDE_EFFECTS:
            return Plan(Step.LLM)
        order = routed.order_id or self.last_order  # "and where is it now?"
        if order is None:
            return Plan(Step.ASK_NUMBER, say="Which order number is it?")
        if routed.intent in READ_ONLY:
            return Plan(Step.LOOKUP, ToolCall(routed.intent.value, order, Phase.COMMITTED))
        self.pending = ToolCall(routed.intent.value, order, Phase.CONFIRMED)
        return Plan(Step.CONFIRM, say=ASK[routed.intent].format(id=order))

    def withdraw(self) -> None:
        """The last committed turn was taken back (the caller went on): forget its effects."""
        self.pending, self.last_order = self._before

    def offer_retry(self, call: ToolCall) -> None:
        """A tool failed and the agent offered to try again: a yes now retries it."""
        self.pending = ToolCall(call.tool, call.order_id, Phase.CONFIRMED)
