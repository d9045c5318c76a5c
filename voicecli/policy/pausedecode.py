"""How carefully the pause's decode is made: the beam where it pays, greedy where it does not.

The decode a turn is committed on uses beam search (`[stt] final_beam_size`): on the tune
split it reads order numbers better than greedy decoding (25 of 32 against 21,
scripts/compare-stt-decoding) but costs ~170 ms more at every pause, on the path to the reply.
With `[transcriber] quick_pause_decode` the pause of a turn whose words so far hold nothing a
beam is known to help with — no number, no order being named — is decoded greedily. Pure.
"""

from __future__ import annotations

from voicecli.policy.numbers import is_number_word

CAREFUL_WORDS = frozenset({"order", "number", "orders", "numbers"})


def needs_careful_decode(words_so_far: list[str]) -> bool:
    """True unless the turn's words so far (the last interim hypothesis) are known and hold no
    number and name no order: then a greedy decode of the pause will do."""
    if not words_so_far:
        return True
    tokens = [w.strip(".,?!;:'\"").lower() for w in words_so_far]
    return any(is_number_word(t) or t in CAREFUL_WORDS or t[:1].isdigit() for t in tokens)
