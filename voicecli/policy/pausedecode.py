"""How carefully the pause's decode is made: the beam where it pays, greedy where it does not.

The decode a turn is committed on uses beam search (`[stt] final_beam_size`): on the tune
split it reads order numbers better than greedy decoding (25 of 32 against 21,
scripts/compare-stt-decoding) but costs ~70-150 ms more at every pause, on the path to the
reply. With `[transcriber] quick_pause_decode` the pause is read greedily first when the turn
so far (the last interim) holds nothing a beam is known to help with — no number, no order
being named — and Whisper was sure of it; that greedy reading stands only if it is as plain
(`greedy_stands`), else the beam reads the same encoded window. Pure.
"""

from __future__ import annotations

from voicecli.policy.completeness import Completeness, classify
from voicecli.policy.numbers import is_number_word

CAREFUL_WORDS = frozenset({"order", "number", "orders", "numbers"})


def needs_careful_decode(words_so_far: list[str]) -> bool:
    """True unless the turn's words so far (the last interim hypothesis) are known and hold no
    number and name no order: then a greedy decode of the pause will do."""
    if not words_so_far:
        return True
    tokens = [w.strip(".,?!;:'\"").lower() for w in words_so_far]
    return any(is_number_word(t) or t in CAREFUL_WORDS or t[:1].isdigit() for t in tokens)


def plain_and_sure(words: list[str], avg_logprob: float, min_logprob: float) -> bool:
    """The words hold no number and name no order, and Whisper's average token log-probability
    for them is at least `min_logprob`: a pause after them may be read greedily first."""
    return not needs_careful_decode(words) and avg_logprob >= min_logprob


def greedy_stands(text: str, avg_logprob: float, min_logprob: float) -> bool:
    """A greedy reading may be committed on without the beam: it holds words and is plain and
    sure, and it does not read as unfinished (an unfinished turn waits long enough for the beam
    anyway, and a misheard number often reads as one: "My whole job is")."""
    sure = plain_and_sure(text.split(), avg_logprob, min_logprob)
    return sure and classify(text) is not Completeness.INCOMPLETE
