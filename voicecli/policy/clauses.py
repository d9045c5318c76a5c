"""Clause flushing: cut a streamed reply into pieces TTS can start on as early as is safe.

The first piece is short (a few words: the caller hears something sooner); later pieces end at
clause or sentence boundaries so the voice keeps natural prosody, and a run without punctuation
is cut at a word boundary once it is long (the limit doubles per piece, up to `max_words`).
A boundary counts only once the next character is known to be white space, so "3.50" or
"e.g." is never cut at its dot. A reply known whole (a fixed sentence, a tool's answer) is cut
the same way (`cut_whole`): its first piece is as short, so its first sound is as soon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voicecli.bounds import within

SENTENCE_END = ".!?"
CLAUSE_END = ",;:—"
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "vs", "etc", "e.g", "i.e", "no", "approx"}
WEAK_ENDINGS = {
    "the",
    "a",
    "an",
    "to",
    "of",
    "and",
    "or",
    "but",
    "in",
    "on",
    "at",
    "for",
    "with",
    "your",
    "my",
    "is",
    "are",
    "was",
    "be",
}


@dataclass(frozen=True)
class FlushRules:
    """Word counts that decide when a piece is long enough to hand to TTS."""

    first_min_words: int = within(1, 1, 50, "words")
    first_max_words: int = within(2, 1, 100, "words")
    min_words: int = within(5, 1, 100, "words")
    max_words: int = within(20, 1, 200, "words")
    cut_known_replies: bool = True  # a reply known whole is cut the same way (`cut_whole`)


def _words(text: str) -> int:
    return len(text.split())


class ClauseFlusher:
    """Accumulates reply text and returns the pieces that are ready to be spoken."""

    def __init__(self, rules: FlushRules | None = None) -> None:
        self.rules = rules or FlushRules()
        self.buffer = ""
        self.pieces = 0

    def push(self, text: str) -> list[str]:
        """Add streamed text; return the pieces now safe to speak (possibly none)."""
        self.buffer += text
        out = []
        while (piece := self._next_piece()) is not None:
            out.append(piece)
        return out

    def finish(self) -> list[str]:
        """End of the reply: whatever is left is the last piece."""
        rest = self.buffer.strip()
        self.buffer = ""
        if not rest:
            return []
        self.pieces += 1
        return [rest]

    def _take(self, end: int) -> str:
        piece = self.buffer[:end].strip()
        self.buffer = self.buffer[end:]
        self.pieces += 1
        return piece

    def _next_piece(self) -> str | None:
        first = self.pieces == 0
        min_words = self.rules.first_min_words if first else self.rules.min_words
        # pieces grow (2, 4, 8, 16, 20 words): each is ready before the one before it has played
        max_words = min(self.rules.max_words, self.rules.first_max_words * 2**self.pieces)
        for match in re.finditer(r"[.!?,;:—](?=\s)", self.buffer):
            end = match.end()
            head = self.buffer[:end]
            mark = match.group(0)
            if mark == "." and self._is_abbreviation(head):
                continue
            if mark in SENTENCE_END or _words(head) >= min_words:
                return self._take(end)
        return self._cut_long_run(max_words)

    @staticmethod
    def _is_abbreviation(head: str) -> bool:
        """ "Mr." or a list number ("1.") is not the end of a sentence."""
        words = head.split()
        if not words:
            return False
        last = words[-1].rstrip(".").lower()
        return last in ABBREVIATIONS or (last.isdigit() and len(last) <= 2)

    def _cut_long_run(self, max_words: int) -> str | None:
        """No boundary yet but too many words: cut at a word boundary, not after a weak word."""
        complete = self.buffer[: self.buffer.rfind(" ")] if " " in self.buffer.strip() else ""
        words = complete.split()
        if len(words) < max_words:
            return None
        keep = len(words)
        while keep > max_words // 2 and words[keep - 1].lower() in WEAK_ENDINGS:
            keep -= 1
        cut = 0
        for _ in range(keep):
            cut = self.buffer.index(words[_], cut) + len(words[_])
        return self._take(cut)


def cut_whole(text: str, rules: FlushRules | None = None) -> list[str]:
    """The pieces of a reply known whole, cut as the same words streamed word by word would
    be (a long first sentence is cut short, not kept whole for its full stop)."""
    flusher = ClauseFlusher(rules)
    pieces = [piece for word in re.findall(r"\S+\s*", text) for piece in flusher.push(word)]
    return [*pieces, *flusher.push(" "), *flusher.finish()]
