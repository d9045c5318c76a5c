"""When each word of a synthesised sentence is spoken in its audio, from Piper's phoneme timings.

Piper reports how many samples each phoneme of a sentence took. Its phoneme stream does not
split into the text's words one to one — espeak runs "there was" together, says "a" as "ɐ" in a
sentence and "eɪ" alone, and reads "350" as three words — so each word is phonemized on its own
and the two phoneme sequences are aligned (difflib): a word is spoken from the start of its first
phoneme to the end of its last. Pauses (commas, word breaks) belong to no word. History then
cuts an interrupted sentence at the words whose audio actually played, not at a guess from
letters.

When the text shown differs from the text spoken (digits read as words), the words both share
carry their times over one to one; a run spoken differently shares out the run's time.
Pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

SILENT = {"^", "$", "_", " ", ",", ".", "!", "?", ";", ":", "—", "…"}

WordTime = tuple[int, int]  # (first sample, end sample) of a word


def sounded(phonemes: Sequence[str]) -> list[str]:
    return [p for p in phonemes if p not in SILENT]


def phoneme_word_times(
    timeline: Sequence[tuple[str, int]], word_phonemes: Sequence[Sequence[str]]
) -> list[WordTime]:
    """(start, end) samples of each word, from the sentence's (phoneme, samples) timeline and
    each word's phonemes when phonemized alone."""
    spans: list[WordTime] = []  # of each sounded phoneme in the sentence
    heard: list[str] = []
    position = 0
    for phoneme, samples in timeline:
        if phoneme not in SILENT:
            spans.append((position, position + samples))
            heard.append(phoneme)
        position += samples
    words = [sounded(p) for p in word_phonemes]
    alone = [p for w in words for p in w]
    if not spans or not alone or any(not w for w in words):
        return []
    where = _index_map(alone, heard)
    times: list[WordTime] = []
    first = 0
    for word in words:
        last = first + len(word) - 1
        start = spans[min(where[first], len(spans) - 1)][0]
        end = spans[min(where[last], len(spans) - 1)][1]
        times.append((start, max(start, end)))
        first = last + 1
    return _monotone(times)


def _index_map(a: list[str], b: list[str]) -> list[int]:
    """For each index of `a`, the index of `b` it aligns with (spread over replaced runs)."""
    where = [0] * len(a)
    for _, a1, a2, b1, b2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for i in range(a1, a2):
            span = max(1, b2 - b1)
            where[i] = b1 + min(span - 1, (i - a1) * span // max(1, a2 - a1))
    return where


def _monotone(times: list[WordTime]) -> list[WordTime]:
    out: list[WordTime] = []
    floor = 0
    for start, end in times:
        start = max(start, floor)
        end = max(end, start)
        out.append((start, end))
        floor = start
    return out


def carry_word_times(shown: str, spoken: str, spoken_times: Sequence[WordTime]) -> list[WordTime]:
    """The times of the words of `shown`, given those of the words of `spoken`. Words the two
    share map one to one; a run of shown words spoken differently ("350" as "three hundred
    fifty") shares out the time of the spoken run."""
    shown_words = shown.split()
    spoken_words = spoken.split()
    if len(spoken_words) != len(spoken_times) or not spoken_words or not shown_words:
        return []
    matcher = SequenceMatcher(None, _keys(shown_words), _keys(spoken_words), autojunk=False)
    times: list[WordTime] = []
    for _, shown_from, shown_to, spoken_from, spoken_to in matcher.get_opcodes():
        count = shown_to - shown_from
        if not count:
            continue
        if spoken_to - spoken_from == count:
            times.extend(spoken_times[spoken_from:spoken_to])
            continue
        if spoken_to > spoken_from:
            begin, end = spoken_times[spoken_from][0], spoken_times[spoken_to - 1][1]
        else:  # shown words that were not spoken at all: a zero-length time where they stand
            begin = end = spoken_times[spoken_from - 1][1] if spoken_from else 0
        step = (end - begin) / count
        times.extend((round(begin + step * k), round(begin + step * (k + 1))) for k in range(count))
    return _monotone(times)


def _keys(words: list[str]) -> list[str]:
    return [w.lower().strip(".,!?;:\"'") for w in words]
