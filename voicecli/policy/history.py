"""Conversation history for the LLM: only committed user turns and heard assistant text.

The prompt grows at its end: each turn's prompt is the previous one with the new turns after
it, so llama.cpp's KV cache (which keeps the longest common prefix) evaluates only those. A
window that slid by one turn every turn changed everything after the system prompt, and the
whole history was evaluated again on every turn of a long call (1.2-1.5 s of first token from
turn nine on). So the window is trimmed rarely and in one step: when it holds more than
`max_turns` caller turns (or more text than `max_chars`, well inside the model's context, so
the engine never has to cut the prompt itself), after a reply, down to the last `keep_turns`;
the turns trimmed away are dropped, so an hour's call holds no more than a minute's.
What the call established (policy/callfacts.py) is pinned after the system prompt, and that
block changes only at a trim, when the prompt's head changes anyway.
The shop's facts for a question are kept just before it, so the next prompt still extends this
one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voicecli.policy.callfacts import CallFacts
from voicecli.policy.longrequest import LongTurnSplit

Message = dict[str, str]
FACTS_NOTE = "Facts from the shop, to answer with: "
PINNED_NOTE = "Known from earlier in this call: "


def facts_note(facts: tuple[str, ...]) -> Message:
    """The message the shop's facts for one question are given to the model as."""
    return {"role": "system", "content": FACTS_NOTE + " ".join(facts)}


def is_facts_note(message: Message) -> bool:
    return message["role"] == "system" and message["content"].startswith(FACTS_NOTE)


@dataclass
class History:
    """The system prompt, the pinned facts and the window of turns the model sees; a long
    caller turn is rendered as its lead-up and its end (policy/longrequest.py)."""

    system_prompt: str
    max_turns: int = 10
    keep_turns: int = 4
    max_chars: int = 0  # 0: no limit but the turn count
    turns: list[Message] = field(default_factory=list)
    long_turn: LongTurnSplit = field(default_factory=LongTurnSplit)
    facts: CallFacts = field(default_factory=CallFacts)
    pinned: tuple[str, ...] = ()  # the facts as of the last trim
    trims: int = 0

    def __post_init__(self) -> None:
        self.keep_turns = min(self.keep_turns, self.max_turns)

    def messages(
        self, pending_user: str | None = None, facts: tuple[str, ...] = ()
    ) -> list[Message]:
        """Messages for the model; `pending_user` appends an uncommitted turn (a prefill, a
        reply made before the commit) with its shop `facts`, rendered exactly as it will be once
        committed."""
        window = self.turns
        if pending_user is not None:
            window = [*window, *self._user_turn(pending_user, facts)]
        chat = [{"role": "system", "content": self.head()}]
        for turn in window:
            chat += self.rendered(turn)
        return chat

    def head(self) -> str:
        """The system prompt, and the pinned facts after it."""
        if not self.pinned:
            return self.system_prompt
        return f"{self.system_prompt}\n\n{PINNED_NOTE}{' '.join(self.pinned)}"

    def rendered(self, turn: Message) -> list[Message]:
        """The messages one turn becomes: a long caller turn is two."""
        if turn["role"] != "user":
            return [turn]
        return [{"role": "user", "content": part} for part in self.long_turn.parts(turn["content"])]

    @staticmethod
    def _user_turn(text: str, facts: tuple[str, ...]) -> list[Message]:
        note = [facts_note(facts)] if facts else []
        return [*note, {"role": "user", "content": text}]

    def add_user(self, text: str, facts: tuple[str, ...] = ()) -> None:
        """A committed caller turn (with the shop's facts it is answered with)."""
        self.turns += self._user_turn(text, facts)
        self.facts.caller_said(text)

    def withdraw_user(self) -> str | None:
        """Take back the last user turn (the caller was not done after all)."""
        if not self.turns or self.turns[-1]["role"] != "user":
            return None
        text = self.turns.pop()["content"]
        if self.turns and is_facts_note(self.turns[-1]):
            self.turns.pop()
        return text

    def add_assistant(self, heard: str, interrupted: bool = False) -> bool:
        """Record what the caller heard of the reply (nothing heard, nothing recorded); True
        when the window was trimmed after it (the prompt's head changed)."""
        text = heard.strip()
        if interrupted and text:
            text += " —"
        if text:
            self.turns.append({"role": "assistant", "content": text})
        return self._trim()

    def caller_turns(self) -> int:
        """How many caller turns the window holds."""
        return sum(turn["role"] == "user" for turn in self.turns)

    def window_chars(self, start: int = 0) -> int:
        return sum(len(turn["content"]) for turn in self.turns[start:])

    def _too_long(self, start: int = 0) -> bool:
        return bool(self.max_chars) and self.window_chars(start) > self.max_chars

    def _trim(self) -> bool:
        if self.caller_turns() <= self.max_turns and not self._too_long():
            return False
        users = [i for i, turn in enumerate(self.turns) if turn["role"] == "user"]
        keep = min(self.keep_turns, len(users))
        start = users[-keep] if keep else len(self.turns)
        while keep > 1 and self._too_long(start):  # long turns: keep fewer
            keep -= 1
            start = users[-keep]
        while start > 0 and is_facts_note(self.turns[start - 1]):
            start -= 1  # a question's shop facts stay with it
        del self.turns[:start]
        self.pinned = tuple(self.facts.lines())
        self.trims += 1
        return True
