"""Cut a sentence too long for the TTS voice's kept memory into parts that fit.

Piper's ONNX Runtime arena grows with the longest input it has run and keeps that memory
(engines/ortarena.py). A sentence over the size the arena keeps (`[tts] arena_keep_ids`) is
spoken as parts that are each within it, so the arena never grows past its working size and
never has to be given back: memory stays flat over a long call. The parts are balanced, and cut
after a clause mark where one lies near the middle, at the word boundary nearest the middle
otherwise, so each part is as long a stretch of natural prosody as fits.
Pure: the caller supplies how big a text is (Piper's phoneme-id count).
"""

from __future__ import annotations

from collections.abc import Callable

CLAUSE_MARKS = (",", ";", ":", "—", "–")


def fit_parts(text: str, size: Callable[[str], int], limit: int) -> list[str]:
    """`text` as one part if `size(text) <= limit`, else as parts that each fit (a single
    word that does not fit is its own part)."""
    words = text.split()
    if len(words) < 2 or size(text) <= limit:
        return [text]
    cut = _cut(words)
    head, tail = " ".join(words[:cut]), " ".join(words[cut:])
    return fit_parts(head, size, limit) + fit_parts(tail, size, limit)


def _cut(words: list[str]) -> int:
    """Where to cut `words` (the index of the tail's first word): after the clause mark
    nearest the middle if one lies in the middle half, else at the middle word."""
    middle = len(words) / 2
    marks = [i + 1 for i, word in enumerate(words[:-1]) if word.endswith(CLAUSE_MARKS)]
    near = [cut for cut in marks if abs(cut - middle) <= len(words) / 4]
    if near:
        return min(near, key=lambda cut: abs(cut - middle))
    return max(1, round(middle))
