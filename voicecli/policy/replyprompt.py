"""Which of the agent's words prompt Whisper for a caller's new turn.

A caller answering "Which order number is it?" is read better when Whisper knows the question
(scripts/compare-stt-prompts). But a turn that opens while the agent is still speaking — a
barge-in, a backchannel — holds the reply's echo, and prompted with the reply Whisper hears the
reply's words in it ("big cat. Okay, that is enough"). So only a turn that opens after a reply
the caller heard out gets that reply as its prompt. Pure: the transcriber feeds it events.
"""

from __future__ import annotations


class ReplyPrompt:
    """Tracks the agent's replies; `for_new_turn()` is the prompt for a turn opening now."""

    def __init__(self, words: int) -> None:
        self.words = words  # the last this many words of the reply (0: no prompt)
        self._heard_out = ""
        self._replying = False

    def reply_started(self) -> None:
        self._replying = True

    def reply_ended(self, text: str, interrupted: bool) -> None:
        """The reply is over: heard out (`text` is what was played) or cut off by the caller."""
        self._replying = False
        self._heard_out = "" if interrupted else text

    def for_new_turn(self) -> str:
        if self._replying or not self.words:
            return ""
        return " ".join(self._heard_out.split()[-self.words :])
