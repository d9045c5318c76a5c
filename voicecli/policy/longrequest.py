"""A long caller turn is given to the model as two messages: what led up to it, then its end.

A caller who talks for a minute and then asks something ends the turn on the question, but a
small model given one long message often retells the story instead of answering (Qwen 0.5B
did so in 8 of 8 samples of a 270-word monologue whose transcript ran on without punctuation;
`scripts/compare-long-turns` measures it on a tune and a holdout set). Ending the prompt on a
short message of the turn's last words puts the question where the model answers from. The
cut falls on the first sentence start within the last `tail_words` words, or, in a transcript
without sentence marks, `tail_words` from the end. Pure: the same text always splits the same
way, so a turn renders alike as the newest turn and later in the history (the cache holds).
"""

from __future__ import annotations

from dataclasses import dataclass

SENTENCE_END = (".", "?", "!")


@dataclass(frozen=True)
class LongTurnSplit:
    """When a turn is long (`min_words` words or more) and how much of its end stands alone."""

    min_words: int = 60
    tail_words: int = 20

    def parts(self, text: str) -> list[str]:
        """`text` as one part, or as two: the lead-up and the end (each non-empty)."""
        words = text.split()
        if self.min_words <= 0 or len(words) < self.min_words:
            return [text]
        cut = len(words) - self.tail_words
        for i in range(cut, len(words) - 1):
            if words[i - 1].endswith(SENTENCE_END):
                cut = i
                break
        return [" ".join(words[:cut]), " ".join(words[cut:])]
