"""What the model is told of the call, as the core's sub-object: the history it reads (trimmed
in steps, so each prompt extends the last in its cache) and what the call established, pinned
after the system prompt (policy/history.py, policy/callfacts.py)."""

from __future__ import annotations

from voicecli import events as ev
from voicecli.config import Config
from voicecli.policy.history import History
from voicecli.policy.longrequest import LongTurnSplit
from voicecli.terms import ToolPhase


class CallMemory:
    """The history and its pinned facts; says when a trim changed the prompt's head."""

    def __init__(self, config: Config) -> None:
        talk, llm = config.conversation, config.llm
        self.history = History(
            llm.system_prompt,
            talk.max_history_turns,
            talk.keep_history_turns,
            # about three quarters of what the prompt may take (English: ~4 characters a token)
            max_chars=3 * (llm.context_tokens - llm.max_reply_tokens),
            long_turn=LongTurnSplit(talk.long_turn_words, talk.long_turn_tail_words),
        )

    def tool_done(self, event: ev.ToolResult) -> None:
        """A committed turn's tool call succeeded (a prefetch may be for words never said)."""
        if event.gen and event.ok:
            confirmed = event.phase is ToolPhase.CONFIRMED
            self.history.facts.tool_done(event.tool, event.order_id, confirmed, event.facts)

    def heard(
        self, now: float, text: str, interrupted: bool, turn: int, prefill: bool, cached: bool
    ) -> list[ev.Event]:
        """History keeps what the caller heard of a reply. With `prefill` the model's cache is
        brought up to it at once, while the caller takes their turn, where the cache lacks it:
        after a trim (the whole new head), after a reply the model did not write (`cached`
        False: a lookup's or the shop's answer, said from a template) and after one cut short
        (what was heard, not what was written). Left to the next commit, a template answer's
        70 tokens cost that turn ~1 s of first token on two cores."""
        history = self.history
        before = history.caller_turns()
        out: list[ev.Event] = []
        trimmed = history.add_assistant(text, interrupted)
        if trimmed:
            kept = history.caller_turns()
            out.append(ev.HistoryTrimmed(now, kept, before - kept, history.pinned))
        if prefill and (trimmed or interrupted or not cached):
            out.append(ev.PrefillRequest(now, turn, history.messages()))
        return out
