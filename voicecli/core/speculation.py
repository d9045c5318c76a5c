"""Work before the commit: all of it reversible, none of it heard unless the commit says so.

While the caller speaks: the LLM's cache is prefilled with their stable words and an order
they name is looked up (read-only, thrown away if unused). Once they pause on words that may
end the turn, the reply the commit would ask for is already known — the same words, the same
history, the same plan — so it is made then: written and voiced into a held reply that plays
nothing. At the commit it is used if what it was made from still holds, else dropped unheard
and made afresh. A plan that calls a tool is never made early (a lookup has its prefetch; a
side effect waits for a yes after the commit), so a held reply changes nothing in the world.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voicecli import events as ev
from voicecli.core.mode import Planner
from voicecli.core.reply import ReplyHandle
from voicecli.policy.commitrules import Plan
from voicecli.policy.history import History
from voicecli.terms import SpeculationOutcome

_WORD = re.compile(r"[a-z0-9']+")


def words_of(text: str) -> tuple[str, ...]:
    """The words of a transcript as the comparison sees them: case and punctuation aside."""
    return tuple(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class Basis:
    """What a reply is made from; a held reply is used only when its basis is the commit's."""

    words: tuple[str, ...]
    history: tuple[tuple[str, str], ...]
    plan: Plan

    @classmethod
    def of(cls, text: str, history: History, plan: Plan) -> Basis:
        """The basis of answering `text` now (`history` without the caller's turn in it)."""
        turns = tuple((m["role"], m["content"]) for m in history.turns)
        return cls(words_of(text), turns, plan)


def may_speculate(plan: Plan) -> bool:
    """Only a plan that speaks and calls nothing may be made before the commit."""
    return plan.call is None and not plan.step.calls_a_tool


@dataclass
class HeldReply:
    """A reply made before its turn's commit, voiced and waiting."""

    handle: ReplyHandle
    basis: Basis


class Speculation:
    """The reversible work done for the open turn: what was prefilled and prefetched, and the
    reply held for it, if any."""

    def __init__(self, planner: Planner, history: History) -> None:
        self.planner = planner
        self.history = history
        self.prefilled = ""
        self.prefetched: set[str] = set()
        self.held: HeldReply | None = None

    def new_turn(self) -> None:
        self.prefilled = ""

    def prefill(self, now: float, transcript: ev.Transcript, whole: bool = False) -> list[ev.Event]:
        """The caller's stable words so far (`whole`: and the hypothesis's unstable tail):
        warm the LLM with them, look up an order the stable words name (each once). A prompt
        whose caller's words come out as prefilled needs no evaluation at the reply."""
        stable = transcript.stable
        words = transcript.text if whole else stable
        if not words or words == self.prefilled:
            return []
        self.prefilled = words
        messages = self.history.messages(pending_user=words)
        out: list[ev.Event] = [ev.PrefillRequest(now, transcript.turn, messages)]
        lookup = self.planner.prefetch(stable) if stable else None
        if lookup is not None and lookup.order_id not in self.prefetched:
            self.prefetched.add(lookup.order_id)
            out.append(ev.ToolPrefetch(now, lookup.tool, lookup.order_id))
        return out

    def basis(self, text: str, plan: Plan | None = None) -> tuple[Plan, Basis]:
        """The plan for `text` (previewed unless given) and what a reply to it is made from."""
        plan = plan if plan is not None else self.planner.preview(text)
        return plan, Basis.of(text, self.history, plan)

    def holds(self, basis: Basis) -> bool:
        return self.held is not None and self.held.basis == basis

    def hold(self, handle: ReplyHandle, basis: Basis) -> None:
        self.held = HeldReply(handle, basis)

    def held_handle(self, gen: int) -> ReplyHandle | None:
        """The held reply of generation `gen`, if that is the one held."""
        held = self.held
        return held.handle if held is not None and held.handle.gen == gen else None

    def use(
        self, now: float, basis: Basis
    ) -> tuple[ReplyHandle | None, ev.SpeculationEnded | None]:
        """At the commit: the held reply if it was made from `basis` (else it is dropped), and
        what became of it."""
        held = self.held
        if held is None:
            return None, None
        if held.basis != basis:
            return None, self.drop(now, "the committed turn differs")
        self.held = None
        used = SpeculationOutcome.USED
        return held.handle, ev.SpeculationEnded(now, held.handle.gen, held.handle.turn, used, "")

    def drop(self, now: float, reason: str) -> ev.SpeculationEnded | None:
        """Throw the held reply away unheard; what became of it (None: none was held)."""
        held, self.held = self.held, None
        if held is None:
            return None
        held.handle.interrupt()
        dropped = SpeculationOutcome.DROPPED
        return ev.SpeculationEnded(now, held.handle.gen, held.handle.turn, dropped, reason)
