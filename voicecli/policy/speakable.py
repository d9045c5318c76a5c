"""Make reply text speakable: strip markdown, read numbers and symbols the way a person would.

The LLM is told not to write markdown or digits-heavy text, but small models do anyway; Piper
(through espeak) would read "4219" as "four thousand two hundred nineteen" and "**" aloud.
Long digit strings (order numbers, phone numbers) are read digit by digit, amounts and counts
as cardinals (num2words), times as "five thirty", symbols as words.
"""

from __future__ import annotations

import re

from num2words import num2words

DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
}
YEAR_CONTEXT = {"in", "since", "year", "by", "until", "from", "of", "before", "after"}
SYMBOLS = {
    "&": " and ",
    "+": " plus ",
    "=": " equals ",
    "@": " at ",
    "%": " percent",
    "°C": " degrees Celsius",
    "°F": " degrees Fahrenheit",
    "°": " degrees",
    "/": " slash ",
    "~": " about ",
}

MARKDOWN = [
    (re.compile(r"```.*?```", re.S), " "),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]+\)"), r"\1"),
    (re.compile(r"https?://\S+"), "a link"),
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),
    (re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.M), ""),
    (re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"[*_#>|]+"), " "),
]
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f]")
MONEY = re.compile(r"([$€£])\s?(\d[\d,]*)(?:\.(\d{1,2}))?")
TIME = re.compile(r"\b(\d{1,2}):(\d{2})\s*(am|pm|AM|PM|a\.m\.|p\.m\.)?")
ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
DECIMAL = re.compile(r"\b(\d+)\.(\d+)\b")
GROUPED = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")
NUMBER = re.compile(r"\b\d+\b")


def digit_by_digit(digits: str) -> str:
    return " ".join(DIGITS[int(d)] for d in digits)


def cardinal(number: int) -> str:
    return num2words(number).replace(",", "")


def _money(match: re.Match[str]) -> str:
    one, many, sub_one, sub_many = CURRENCIES[match.group(1)]
    whole = int(match.group(2).replace(",", ""))
    words = f"{cardinal(whole)} {one if whole == 1 else many}"
    if match.group(3):
        cents = int(match.group(3).ljust(2, "0"))
        if cents:
            words += f" and {cardinal(cents)} {sub_one if cents == 1 else sub_many}"
    return words


def _time(match: re.Match[str]) -> str:
    hour, minute = int(match.group(1)), int(match.group(2))
    suffix = (match.group(3) or "").lower().replace(".", "")
    if minute == 0:
        words = f"{cardinal(hour)} o'clock" if not suffix else cardinal(hour)
    elif minute < 10:
        words = f"{cardinal(hour)} oh {cardinal(minute)}"
    else:
        words = f"{cardinal(hour)} {cardinal(minute)}"
    spoken_suffix = {"am": " a m", "pm": " p m"}.get(suffix, "")
    return words + spoken_suffix


def _decimal(match: re.Match[str]) -> str:
    return f"{cardinal(int(match.group(1)))} point {digit_by_digit(match.group(2))}"


def _number(match: re.Match[str], text: str) -> str:
    digits = match.group(0)
    before = text[: match.start()].split()
    previous = before[-1].lower().strip(",.") if before else ""
    value = int(digits)
    if len(digits) == 4 and 1100 <= value <= 2099 and previous in YEAR_CONTEXT:
        return num2words(value, to="year")
    if len(digits) >= 4 or (len(digits) > 1 and digits.startswith("0")):
        return digit_by_digit(digits)
    return cardinal(value)


def _join_lines(text: str) -> str:
    """List items and headings become sentences: a line without end punctuation gets a full stop."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) <= 1:
        return text
    return " ".join(line if line[-1] in ".!?,;:" else line + "." for line in lines)


def speakable(text: str) -> str:
    """Text as it should be spoken: no markdown or emoji, numbers and symbols in words."""
    for pattern, replacement in MARKDOWN:
        text = pattern.sub(replacement, text)
    text = EMOJI.sub("", text)
    text = _join_lines(text)
    text = MONEY.sub(_money, text)
    text = TIME.sub(_time, text)
    text = ORDINAL.sub(lambda m: num2words(int(m.group(1)), to="ordinal"), text)
    text = DECIMAL.sub(_decimal, text)
    text = GROUPED.sub(lambda m: cardinal(int(m.group(0).replace(",", ""))), text)
    text = NUMBER.sub(lambda m: _number(m, text), text)
    for symbol, words in SYMBOLS.items():
        text = text.replace(symbol, words)
    return re.sub(r"\s+", " ", text).strip()
