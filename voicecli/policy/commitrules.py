"""Commit rules for tools: what may run before a turn is committed, what needs confirmation.

- Before commit (on the stable words of a turn still being spoken): a read-only prefetch at
  most — looking an order up is safe to do early and to throw away if the turn changes.
- At commit: a read-only request is answered at once; a side effect (send a link, cancel,
  return) is never run on the turn that asks for it: the agent asks "shall I go ahead?", and
  only an explicit yes in the caller's next turn runs it.
- A number that had to be guessed (the store has "4711", Whisper wrote "for 711") is read
  back first — "Order 4711 — is that right?" — and nothing is looked up or done with it before
  a yes.
  A caller who lets the read-back stand and asks on about the order ("which company is
  delivering it?") has accepted it: a lookup runs on it at once, a side effect is still asked.
- A number the store does not have (nor one a digit away) is asked for again, not looked up.
- A turn after "Which order number is it?" that says a number is the answer to it.
- A question about the store (returns, shipping, hours…) is answered from its knowledge row;
  a caller asking their own name, once they gave it, is told it (policy/recall.py); any other
  turn goes to the language model, with the rows its words touch as context.
Pure logic: it returns plans; the tool runner executes them and the session logs every call
with its commit state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from voicecli.policy.callfacts import name_given
from voicecli.policy.intent import Intent, Routed, route
from voicecli.policy.knowledge import KnowledgeRow, context_rows
from voicecli.policy.numbers import Reading, ends_on_a_whole_order, pick, readings
from voicecli.policy.recall import asks_own_name, name_answer
from voicecli.terms import Step, ToolCall, ToolPhase

READ_ONLY = frozenset({Intent.ORDER_STATUS})
SIDE_EFFECTS = frozenset({Intent.TRACKING_LINK, Intent.CANCEL, Intent.RETURN})
ASK = {
    Intent.TRACKING_LINK: "Send the tracking link for order {id} to your phone — shall I go ahead?",
    Intent.CANCEL: "Cancel order {id} — shall I go ahead?",
    Intent.RETURN: "Start a return for order {id} — shall I go ahead?",
}


# what a decision may change: pending side effect, awaited answer, last order, caller's name
_Memory = tuple[ToolCall | None, "Awaiting | None", str | None, str | None]


@dataclass(frozen=True)
class Plan:
    """How to answer a committed turn."""

    step: Step
    call: ToolCall | None = None
    say: str = ""
    context: tuple[str, ...] = ()  # knowledge the language model answers with
    topic: str = ""  # the knowledge row an INFORM plan speaks


@dataclass(frozen=True)
class Awaiting:
    """What the agent asked that the caller's next turn answers."""

    intent: Intent
    order_id: str = ""  # a guessed number read back ("Order 4711 — is that right?")


class CommitRules:
    """Remembers a side effect awaiting confirmation, a question awaiting its answer, the
    last order the caller named and the name they gave. `order_ids` gives the order numbers
    the store has (None: no store, numbers are taken as heard); `knowledge` is the store's
    rows."""

    def __init__(
        self,
        order_ids: Callable[[], frozenset[str]] | None = None,
        knowledge: tuple[KnowledgeRow, ...] = (),
    ) -> None:
        self.order_ids = order_ids
        self.knowledge = knowledge
        self.pending: ToolCall | None = None
        self.awaiting: Awaiting | None = None
        self.last_order: str | None = None
        self.caller_name: str | None = None
        self._before: _Memory = (None, None, None, None)

    def read_a_whole_order(self, text: str) -> bool:
        """The words end on the whole number of an order the store has (never without a
        store): a number being read out is finished there."""
        known = self.order_ids() if self.order_ids else None
        return known is not None and ends_on_a_whole_order(text, known)

    def prefetch(self, partial: str) -> ToolCall | None:
        """Before commit: a read-only lookup worth starting now, if any. Never a side effect."""
        routed = route(partial)
        order = routed.order_id
        if order and _asks_a_tool(routed):
            # even a cancellation only ever prefetches the order's status
            return ToolCall(Intent.ORDER_STATUS.value, order, ToolPhase.PREFETCH)
        return None

    def decide(self, text: str) -> Plan:
        """The plan for a committed turn."""
        self._before = self._memory()
        pending, self.pending = self.pending, None
        awaiting, self.awaiting = self.awaiting, None
        read_back = awaiting.order_id if awaiting is not None else ""
        routed = route(
            text,
            awaiting_confirmation=pending is not None or bool(read_back),
            # a number just read back is the subject: "is it delayed?" asks about it
            order_in_focus=self.last_order is not None or bool(read_back),
            knowledge=self.knowledge,
        )
        if pending is not None:
            if routed.intent is Intent.YES:
                confirmed = ToolCall(pending.tool, pending.order_id, ToolPhase.CONFIRMED)
                return Plan(Step.EXECUTE, confirmed)
            if routed.intent is Intent.NO:
                return Plan(Step.DROPPED, say="Okay, I won't.")
        if awaiting is not None and read_back:  # a guessed number was read back
            if routed.intent is Intent.YES:
                return self._act(awaiting.intent, read_back)
            if routed.intent is Intent.NO and routed.order_id is None:
                self.awaiting = Awaiting(awaiting.intent)
                return Plan(Step.ASK_NUMBER, say="Sorry. Which order number is it?")
            if _asks_a_tool(routed) and routed.order_id is None and not readings(text):
                return self._act(routed.intent, read_back)  # asked on about it: accepted
        self.caller_name = name_given(text) or self.caller_name
        if self.caller_name and asks_own_name(text):
            return Plan(Step.RECALL, say=name_answer(self.caller_name))
        known = self.order_ids() if self.order_ids else None
        reading = pick(readings(text), known)
        if awaiting is not None and reading is not None and not _asks_a_tool(routed):
            routed = Routed(awaiting.intent, reading.digits)  # "It's 4219."
        elif _names_a_known_order(routed, reading, known):
            routed = Routed(Intent.ORDER_STATUS, reading.digits)  # "look up power to 3.007"
        if routed.intent is Intent.INFO:
            row = next(r for r in self.knowledge if r.topic == routed.topic)
            return Plan(Step.INFORM, say=row.text, topic=row.topic)
        if not _asks_a_tool(routed):
            rows = context_rows(text, self.knowledge)
            return Plan(Step.LLM, context=tuple(r.text for r in rows))
        if reading is not None and reading.guessed:
            self.awaiting = Awaiting(routed.intent, reading.digits)
            return Plan(Step.CONFIRM_NUMBER, say=f"Order {reading.digits} — is that right?")
        if reading is not None and known is not None and reading.digits not in known:
            # no order has that number, nor one a digit away: ask again, look nothing up
            self.awaiting = Awaiting(routed.intent)
            say = f"I can't find an order {reading.digits}. Could you read me the number again?"
            return Plan(Step.ASK_NUMBER, say=say)
        order = reading.digits if reading is not None else self.last_order
        if order is None:  # "where is it?" with no order yet
            self.awaiting = Awaiting(routed.intent)
            return Plan(Step.ASK_NUMBER, say="Which order number is it?")
        return self._act(routed.intent, order)

    def _act(self, intent: Intent, order: str) -> Plan:
        """Look the order up, or ask before the side effect."""
        self.last_order = order
        if intent in READ_ONLY:
            return Plan(Step.LOOKUP, ToolCall(intent.value, order, ToolPhase.COMMITTED))
        self.pending = ToolCall(intent.value, order, ToolPhase.CONFIRMED)
        return Plan(Step.CONFIRM, say=ASK[intent].format(id=order))

    def preview(self, text: str) -> Plan:
        """The plan `decide(text)` would make now, remembering nothing of it (a reply made
        before the commit, voicecli/core/speculation.py)."""
        saved, before = self._memory(), self._before
        try:
            return self.decide(text)
        finally:
            self._restore(saved)
            self._before = before

    def withdraw(self) -> None:
        """The last committed turn was taken back (the caller went on): forget its effects."""
        self._restore(self._before)

    def _memory(self) -> _Memory:
        return (self.pending, self.awaiting, self.last_order, self.caller_name)

    def _restore(self, memory: _Memory) -> None:
        self.pending, self.awaiting, self.last_order, self.caller_name = memory

    def offer_retry(self, call: ToolCall) -> None:
        """A tool failed and the agent offered to try again: a yes now retries it."""
        self.pending = ToolCall(call.tool, call.order_id, ToolPhase.CONFIRMED)


def _names_a_known_order(
    routed: Routed, reading: Reading | None, known: frozenset[str] | None
) -> bool:
    """Words that ask nothing the router knows but name an order the store has (or one a digit
    away, read back first): a caller of a shop who says its number wants to know about it."""
    return (
        routed.intent is Intent.OTHER
        and reading is not None
        and known is not None
        and reading.digits in known
    )


def _asks_a_tool(routed: Routed) -> bool:
    return routed.intent in READ_ONLY | SIDE_EFFECTS
