"""Conversation history for the LLM: only committed user turns and heard assistant text."""

from __future__ import annotations

from dataclasses import dataclass, field

from voicecli.policy.longrequest import LongTurnSplit

Message = dict[str, str]


@dataclass
class History:
    """The system prompt and the turns so far, trimmed to the most recent `max_turns` pairs;
    a long caller turn is rendered as its lead-up and its end (policy/longrequest.py)."""

    system_prompt: str
    max_turns: int = 8
    turns: list[Message] = field(default_factory=list)
    long_turn: LongTurnSplit = field(default_factory=LongTurnSplit)

    def messages(
        self, pending_user: str | None = None, facts: tuple[str, ...] = ()
    ) -> list[Message]:
        """Messages for the model; `pending_user` appends an uncommitted turn (a prefill, a
        reply made before the commit), trimmed exactly as it will be once committed; `facts`
        (the shop's knowledge for this question) go just before the caller's last turn, so the
        cached prefix of system prompt and history stays the same."""
        turns = self.turns
        if pending_user is not None:
            turns = [*turns, {"role": "user", "content": pending_user}]
        recent = turns[-2 * self.max_turns :]
        if recent and recent[0]["role"] == "assistant":
            recent = recent[1:]
        chat = [{"role": "system", "content": self.system_prompt}]
        for turn in recent[:-1]:
            chat += self.rendered(turn)
        if recent:
            if facts and recent[-1]["role"] == "user":
                note = "Facts from the shop, to answer with: " + " ".join(facts)
                chat.append({"role": "system", "content": note})
            chat += self.rendered(recent[-1])
        return chat

    def rendered(self, turn: Message) -> list[Message]:
        """The messages one turn becomes: a long caller turn is two."""
        if turn["role"] != "user":
            return [turn]
        return [{"role": "user", "content": part} for part in self.long_turn.parts(turn["content"])]

    def add_user(self, text: str) -> None:
        self.turns.append({"role": "user", "content": text})

    def withdraw_user(self) -> str | None:
        """Take back the last user turn (the caller was not done after all)."""
        if self.turns and self.turns[-1]["role"] == "user":
            return self.turns.pop()["content"]
        return None

    def add_assistant(self, heard: str, interrupted: bool = False) -> None:
        """Record what the caller heard of the reply; nothing heard, nothing recorded."""
        text = heard.strip()
        if interrupted and text:
            text += " —"
        if text:
            self.turns.append({"role": "assistant", "content": text})
