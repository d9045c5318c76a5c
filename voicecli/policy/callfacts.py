"""What a call has established, kept for the model when the turns that said it are trimmed.

A long call's history is trimmed (policy/history.py); the caller's name, said once in the
first minute, and the order the call is about must not go with it. This keeps them, and the
actions the caller confirmed, as a few short sentences: the pinned block the model reads after
its system prompt. Pure: the core tells it what the caller said and what the tools did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# "my name is Anna", "my name's Anna", "call me Anna", "this is Anna speaking", "I'm Anna":
# a name is a capitalised word that is not a common word Whisper capitalises at a sentence start
_NAMED = re.compile(
    r"\b(?:my name is|my name's|name is|call me|i am|i'm|this is)\s+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
    r"(?=[\s.,!?]|$)",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^\W*(?:(?:hi|hello|hey|yes|good (?:morning|afternoon|evening))\W*)?$", re.IGNORECASE
)
# fmt: off
_NOT_NAMES = frozenset({
    "a", "an", "the", "just", "not", "so", "very", "really", "fine", "good", "great", "ok",
    "okay", "sorry", "calling", "looking", "trying", "asking", "here", "there", "still", "also",
    "going", "glad", "happy", "sure", "afraid", "done", "back", "ready", "interested",
    "wondering", "worried", "order", "about", "in", "on", "at", "with", "from", "for", "it",
    "that", "this",
})
# fmt: on


def name_given(text: str) -> str | None:
    """The name a caller gives for themselves in `text`, if they give one."""
    for match in _NAMED.finditer(text):
        word = match.group(1)
        if not word[0].isupper() or word.lower() in _NOT_NAMES:
            continue
        # "this is Anna" is a name only as a greeting, at the start of the turn
        opening = text[: match.start()]
        if match.group(0).lower().startswith("this is") and not _GREETING.match(opening):
            continue
        return word
    return None


@dataclass
class CallFacts:
    """The caller's name, the order in question and the confirmed actions, as heard so far."""

    name: str | None = None
    order: str | None = None
    order_facts: dict[str, str] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)

    def caller_said(self, text: str) -> None:
        """A committed caller turn: a name they give for themselves is kept."""
        self.name = name_given(text) or self.name

    def tool_done(self, tool: str, order_id: str, confirmed: bool, facts: dict[str, str]) -> None:
        """A tool call that succeeded: its order is the one in question; a confirmed action
        is remembered as done."""
        if not order_id or facts.get("missing"):
            return
        self.order = order_id
        if "status" in facts:
            self.order_facts = {k: v for k, v in facts.items() if k != "id" and v}
        if confirmed and not facts.get("refused"):
            done = f"{tool.replace('_', ' ')} for order {order_id} is done"
            if done not in self.actions:
                self.actions.append(done)

    def lines(self) -> list[str]:
        """The pinned block's sentences (none before anything was established)."""
        lines = []
        if self.name:
            lines.append(f"The caller's name is {self.name}.")
        if self.order:
            known = ", ".join(f"{key} {value}" for key, value in self.order_facts.items())
            about = f" ({known})" if known else ""
            lines.append(f"The order in question is {self.order}{about}.")
        lines += [f"Done earlier in this call: {action}." for action in self.actions]
        return lines
