"""Spoken numbers in transcripts: "four two one nine", "forty two nineteen", "4-2-1-9" → 4219.

Callers read order numbers digit by digit, in pairs, or as one number, and Whisper writes them
as digits, words or a mix ("42. 1, 9"). `order_numbers` finds every such number in a transcript
and returns its digits.

What Whisper writes is not always what was said: "four seven one one" comes out as "for 711",
"four, um, two one nine" as "4, um, 219". `readings` gives every way the words can be read as
an order number — the literal one first, then those that read a homophone next to a number
the other way ("for" as 4, or "to" as a word) or join numbers split by a filler — each marked
whether it is a guess. `pick` chooses among them with the store's knowledge of which orders
exist; the caller confirms a guess before anything is done with it. `ends_on_a_whole_order`
tells the turn policy that a number being read out is finished: it names an order.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

UNITS = {
    "zero": 0,
    "oh": 0,
    "o": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
REPEATS = {"double": 2, "triple": 3}
# what Whisper writes for a digit said on its own, or as an accent says it ("free" for "three":
# th-fronting, common in London and elsewhere, and in espeak's voices)
HOMOPHONES = {
    "to": "two",
    "too": "two",
    "for": "four",
    "won": "one",
    "ate": "eight",
    "free": "three",
    "tree": "three",
    "sex": "six",
    "fife": "five",
    "nein": "nine",
}
# sounds a caller makes between the digits of one number
FILLERS = frozenset({"um", "uh", "er", "erm", "ah", "hm", "hmm", "mm"})
MAX_FLIPS = 4  # homophones considered either way (2**4 readings at most)


@dataclass(frozen=True)
class Reading:
    """One way to read the number in a transcript; `guessed` when it is not what the words
    literally say (a homophone read the other way)."""

    digits: str
    guessed: bool = False


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("-", " - ")
    return re.findall(r"\d+|[a-z]+|-", text)


def is_number_word(token: str) -> bool:
    """A word that can be part of a spoken number ("four", "forty", "double", "oh", "4")."""
    return (
        token in UNITS
        or token in TENS
        or token in REPEATS
        or token.isdigit()
        or token in ("hundred", "thousand")
    )


def number_value(tokens: list[str]) -> str:
    """The digits a run of number words says, read the way people read codes."""
    digits = ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isdigit():
            digits += token
        elif token in REPEATS and i + 1 < len(tokens):
            nxt = tokens[i + 1]
            if nxt in UNITS and UNITS[nxt] < 10:
                digits += str(UNITS[nxt]) * REPEATS[token]
            elif nxt.isdigit():  # "double 731": the first digit is the doubled one
                digits += nxt[0] * REPEATS[token] + nxt[1:]
            else:
                digits += nxt
            i += 1
        elif token in TENS:
            value = TENS[token]
            if i + 1 < len(tokens) and tokens[i + 1] in UNITS and UNITS[tokens[i + 1]] < 10:
                value += UNITS[tokens[i + 1]]
                i += 1
            digits += str(value)
        elif token == "hundred":
            digits = digits + "00" if digits else "100"
            if i + 1 < len(tokens) and (tokens[i + 1] in UNITS or tokens[i + 1] in TENS):
                rest = number_value(tokens[i + 1 :])
                digits = digits[: len(digits) - len(rest)] + rest
                return digits
        elif token == "thousand":
            digits = (digits or "1") + "000"
            if i + 1 < len(tokens):
                rest = number_value(tokens[i + 1 :])
                digits = digits[: len(digits) - len(rest)] + rest
                return digits
        elif token in UNITS:
            digits += str(UNITS[token])
        i += 1
    return digits


def _read_homophones(tokens: list[str], flips: frozenset[int] = frozenset()) -> list[str]:
    """ "4, too" is "four two"; "one nine for me" is not "one nine four": a homophone is a digit
    after a number, when a number or nothing follows it. `flips`: positions read the other way."""
    out = list(tokens)
    for i, token in enumerate(tokens):
        if token not in HOMOPHONES:
            continue
        after_number = i > 0 and is_number_word(out[i - 1])
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        digit = after_number and (nxt is None or is_number_word(HOMOPHONES.get(nxt, nxt)))
        if digit != (i in flips):
            out[i] = HOMOPHONES[token]
    return out


def _ambiguous(tokens: list[str]) -> list[int]:
    """Positions of homophones next to a number: either reading is possible."""
    return [
        i
        for i, token in enumerate(tokens)
        if token in HOMOPHONES
        and (
            (i > 0 and is_number_word(tokens[i - 1]))
            or (i + 1 < len(tokens) and is_number_word(tokens[i + 1]))
        )
    ]


def _without_fillers(tokens: list[str]) -> list[str]:
    return [t for t in tokens if t not in FILLERS]


def _compounds(tokens: list[str], homophones: bool) -> list[str]:
    """Whisper writes "twenty two" as "20 2" or "20 to": a round ten in digits and a digit after
    it are one number, as said ("20", "2" → "22"); `homophones`: "to" may be that digit."""
    out: list[str] = []
    for token in tokens:
        word = HOMOPHONES.get(token, token) if homophones else token
        unit = UNITS.get(word) if word in UNITS else (int(word) if word.isdigit() else None)
        previous = out[-1] if out else ""
        if (
            unit is not None
            and 0 < unit < 10
            and len(previous) == 2
            and previous.isdigit()
            and previous.endswith("0")
            and (len(word) == 1 or word in UNITS)
        ):
            out[-1] = str(int(previous) + unit)
        else:
            out.append(token)
    return out


def order_numbers(text: str) -> list[str]:
    """Every number said in `text`, as a digit string, in order."""
    return _numbers(_read_homophones(_tokens(text)))


def _numbers(tokens: list[str]) -> list[str]:
    runs: list[list[str]] = []
    current: list[str] = []
    for index, token in enumerate(tokens):
        nxt = tokens[index + 1] if index + 1 < len(tokens) else ""
        joins = (token == "-" and current and is_number_word(nxt)) or (
            token == "and"
            and current
            and current[-1] in ("hundred", "thousand")
            and is_number_word(nxt)
        )
        if is_number_word(token):
            current.append(token)
        elif joins:
            continue
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [value for run in runs if (value := number_value(run))]


def order_number(text: str, min_digits: int = 3) -> str | None:
    """The longest number said (at least `min_digits` digits), or None."""
    candidates = [n for n in order_numbers(text) if len(n) >= min_digits]
    return max(candidates, key=len) if candidates else None


def readings(text: str, min_digits: int = 3) -> list[Reading]:
    """Every reading of the order number in `text` (at least `min_digits` digits), the literal
    one first, then numbers split by a filler joined, round tens joined to the digit after
    them, then homophones read the other way."""
    tokens = _tokens(text)
    found: list[Reading] = []

    def add(numbers: list[str], guessed: bool) -> None:
        candidates = [n for n in numbers if len(n) >= min_digits]
        if candidates:
            best = max(candidates, key=len)
            if all(r.digits != best for r in found):
                found.append(Reading(best, guessed))

    add(_numbers(_read_homophones(tokens)), guessed=False)
    add(_numbers(_read_homophones(_without_fillers(tokens))), guessed=False)
    plain = _without_fillers(tokens)
    add(_numbers(_read_homophones(_compounds(plain, homophones=False))), guessed=False)
    add(_numbers(_read_homophones(_compounds(plain, homophones=True))), guessed=True)
    ambiguous = _ambiguous(tokens)[:MAX_FLIPS]
    for count in range(1, len(ambiguous) + 1):
        for flips in itertools.combinations(ambiguous, count):
            add(_numbers(_read_homophones(tokens, frozenset(flips))), guessed=True)
    return found


def ends_on_a_whole_order(text: str, orders: frozenset[str]) -> bool:
    """The words end on a number (fillers and punctuation aside) that names an order the store
    has, and no longer order begins with it: the caller has read all of it ("My order number
    is 8, 8, 1, 2," — Whisper's comma is the pause after the last digit, not more to come)."""
    tokens = _without_fillers(_read_homophones(_tokens(text)))
    if not tokens or not is_number_word(tokens[-1]):
        return False
    digits = _numbers(tokens)[-1]  # the run of number words the words end on
    longer = any(o != digits and o.startswith(digits) for o in orders)
    return bool(digits) and digits in orders and not longer


def one_edit_apart(a: str, b: str) -> bool:
    """One digit changed, left out or added."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def pick(options: list[Reading], orders: frozenset[str] | None) -> Reading | None:
    """The reading to act on: the first that names an existing order; else the one existing
    order a single digit away from a reading, as a guess to confirm ("2058" heard, 2258 is
    the order); else the literal reading (the store will say it has no such order). With no
    store to ask (`orders` None), the literal reading."""
    if not options:
        return None
    if orders is None:
        return options[0]
    for option in options:
        if option.digits in orders:
            return option
    near = {o for o in orders for option in options if one_edit_apart(option.digits, o)}
    if len(near) == 1:
        return Reading(near.pop(), guessed=True)
    return options[0]
