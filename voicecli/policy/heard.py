"""Which reply text has actually been heard: the playout cursor over text-tagged audio spans.

Each piece of the reply is played as one span of samples. History may only hold what crossed
the speaker, so heard text is every span that finished playing plus, for the span playing now,
the words whose middle has played. When each word is spoken comes from the synthesis (Piper's
phoneme timings, see wordtiming.py); without timings each word takes a share of the span's
audio in proportion to its length in characters (plus one for the gap after it), a rougher
proxy for how long it takes to say: "the" is quick, "Whiskers" is not.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Audio samples [start, end) of the playout stream that speak `text`."""

    piece: int
    text: str
    start: int
    end: int
    word_times: tuple[tuple[int, int], ...] = ()  # (start, end) of each word, from `start`


@dataclass(frozen=True)
class Heard:
    """The heard prefix of a reply and whether all of it was heard."""

    text: str
    complete_pieces: int
    partial_words: int
    finished: bool


def heard_text(spans: list[Span], position: int) -> Heard:
    """Text heard once the playout cursor reached `position` (samples of the playout stream)."""
    parts: list[str] = []
    complete = 0
    partial = 0
    for span in spans:
        if position >= span.end:
            parts.append(span.text)
            complete += 1
            continue
        if position > span.start:
            words = span.text.split()
            if len(span.word_times) == len(words):
                partial = words_timed(span.word_times, position - span.start)
            else:
                share = (position - span.start) / max(1, span.end - span.start)
                partial = words_played(words, share)
            if partial:
                parts.append(" ".join(words[:partial]))
        break
    finished = bool(spans) and complete == len(spans)
    return Heard(" ".join(parts), complete, partial, finished)


def words_timed(word_times: tuple[tuple[int, int], ...], played: int) -> int:
    """How many words have been heard once `played` samples have played: those whose middle
    has played."""
    heard = 0
    for start, end in word_times:
        if (start + end) / 2 > played:
            break
        heard += 1
    return heard


def words_played(words: list[str], share: float) -> int:
    """How many of `words` have been heard once `share` (0-1) of their audio has played."""
    weights = [len(word) + 1 for word in words]
    played = share * sum(weights)
    heard = 0
    start = 0.0
    for weight in weights:
        if start + weight / 2 > played:
            break
        heard += 1
        start += weight
    return heard
