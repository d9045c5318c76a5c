"""Spoken numbers in transcripts: "four two one nine", "forty two nineteen", "4-2-1-9" → 4219.

Callers read order numbers digit by digit, in pairs, or as one number, and Whisper writes them
as digits, words or a mix ("42. 1, 9"). `order_numbers` finds every such number in a transcript
and returns its digits.
"""

from __future__ import annotations

import re

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
# what Whisper writes for a digit said on its own
HOMOPHONES = {"to": "two", "too": "two", "for": "four", "won": "one", "ate": "eight"}


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("-", " - ")
    return re.findall(r"\d+|[a-z]+|-", text)


def _is_number_word(token: str) -> bool:
    return (
        token in UNITS
        or token in TENS
        or token in REPEATS
        or token.isdigit()
        or token in ("hundred", "thousand")
    )


def _group_value(tokens: list[str]) -> str:
    """Digits of one run of number tokens, read the way people read codes."""
    digits = ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isdigit():
            digits += token
        elif token in REPEATS and i + 1 < len(tokens):
            nxt = tokens[i + 1]
            value = str(UNITS[nxt]) if nxt in UNITS and UNITS[nxt] < 10 else nxt
            digits += value * REPEATS[token]
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
                rest = _group_value(tokens[i + 1 :])
                digits = digits[: len(digits) - len(rest)] + rest
                return digits
        elif token == "thousand":
            digits = (digits or "1") + "000"
            if i + 1 < len(tokens):
                rest = _group_value(tokens[i + 1 :])
                digits = digits[: len(digits) - len(rest)] + rest
                return digits
        elif token in UNITS:
            digits += str(UNITS[token])
        i += 1
    return digits


def _read_homophones(tokens: list[str]) -> list[str]:
    """ "4, too" is "four two"; "one nine for me" is not "one nine four": a homophone is a digit
    after a number, when a number or nothing follows it."""
    out = list(tokens)
    for i, token in enumerate(tokens):
        if token not in HOMOPHONES:
            continue
        after_number = i > 0 and _is_number_word(out[i - 1])
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if after_number and (nxt is None or _is_number_word(HOMOPHONES.get(nxt, nxt))):
            out[i] = HOMOPHONES[token]
    return out


def order_numbers(text: str) -> list[str]:
    """Every number said in `text`, as a digit string, in order."""
    tokens = _read_homophones(_tokens(text))
    runs: list[list[str]] = []
    current: list[str] = []
    for index, token in enumerate(tokens):
        nxt = tokens[index + 1] if index + 1 < len(tokens) else ""
        joins = (token == "-" and current and _is_number_word(nxt)) or (
            token == "and"
            and current
            and current[-1] in ("hundred", "thousand")
            and _is_number_word(nxt)
        )
        if _is_number_word(token):
            current.append(token)
        elif joins:
            continue
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [value for run in runs if (value := _group_value(run))]


def order_number(text: str, min_digits: int = 3) -> str | None:
    """The longest number said (at least `min_digits` digits), or None."""
    candidates = [n for n in order_numbers(text) if len(n) >= min_digits]
    return max(candidates, key=len) if candidates else None
