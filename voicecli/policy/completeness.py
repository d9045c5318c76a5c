"""Semantic completeness of a (partial) transcript: is the caller done, or mid-thought?

Cheap lexical rules that run on every interim transcript: a trailing conjunction, filler,
article or preposition, an unfinished number being read out, or a trailing comma means the
caller is still going; a question mark, or a finished question or request, means they are done.
A question closed with its mark that ends on a small word ("Which cards can I pay with?") is a
full sentence: held as one, not as a trailing thought.
"""

from __future__ import annotations

import re
from enum import Enum

from voicecli.policy.numbers import HOMOPHONES, TENS, UNITS
from voicecli.policy.speakable import DIGITS

HOLD_WORDS = {
    "and",
    "or",
    "but",
    "so",
    "because",
    "um",
    "uh",
    "er",
    "erm",
    "hmm",
    "the",
    "a",
    "an",
    "my",
    "your",
    "our",
    "their",
    "his",
    "her",
    "to",
    "of",
    "for",
    "with",
    "in",
    "on",
    "at",
    "from",
    "about",
    "if",
    "that",
    "which",
    "who",
    "number",
    "like",
    "than",
    "then",
    "is",
    "are",
    "was",
    "were",
    "be",
    "it's",
    "i'm",
    "i",
    "we",
    "you",
    "also",
    "plus",
    "minus",
    "what",
    "where",
    "when",
    "how",
    "why",
    "please",
    "oh",
    "well",
    "actually",
    "can",
    "could",
    "would",
}
QUESTION_STARTS = {
    "what",
    "what's",
    "where",
    "where's",
    "when",
    "who",
    "who's",
    "why",
    "how",
    "how's",
    "which",
    "is",
    "are",
    "was",
    "were",
    "do",
    "does",
    "did",
    "can",
    "could",
    "will",
    "would",
    "should",
    "have",
    "has",
    "may",
    "tell",
    "give",
    "show",
    "send",
    "cancel",
    "track",
    "check",
    "find",
    "say",
    "repeat",
    "read",
    "play",
    "stop",
    "explain",
    "please",
}
# a short answer to the agent's question ("Yes, go ahead.", "No, never mind.") is a whole turn
ANSWER_STARTS = {"yes", "yeah", "yep", "yup", "no", "nope", "sure"}
MAX_ANSWER_WORDS = 4
CLOSING_VERBS = {"is", "are", "was", "were", "be", "am"}
PRONOUNS = {
    "it",
    "that",
    "this",
    "there",
    "they",
    "he",
    "she",
    "we",
    "you",
    "i",
    "who",
    "what",
    "these",
    "those",
}
NUMBER_WORDS = set(DIGITS) | {"oh", "double", "triple"}
NUMBER_CONTEXT = {"number", "order", "code", "phone", "zip", "id", "account", "pin", "is"}
# words a question may open after ("And what days …", "Hi, can you …", "Okay, so where …")
LEAD_INS = {"and", "so", "but", "oh", "um", "uh", "well", "okay", "ok", "hi", "hello", "hey"}
NUMBER_NOUNS = NUMBER_CONTEXT - {"is"}  # what a number is read out after ("order number")
MIN_DIGITS_FOR_A_NUMBER = 4
# words that say part of a number ("oh" and "o" are left out: as often a sound as a zero)
SPOKEN_NUMBER_WORDS = (set(UNITS) - {"oh", "o"}) | set(TENS)


class Completeness(Enum):
    """How finished an utterance sounds."""

    COMPLETE = "complete"  # a question or request that is clearly finished
    LIKELY = "likely"  # a full sentence, no question form
    UNKNOWN = "unknown"  # nothing to go on
    INCOMPLETE = "incomplete"  # mid-thought: hold on


def _tokens(text: str) -> list[str]:
    spaced = re.sub(r"(\d)", r" \1 ", text.lower())
    return [re.sub(r"[^\w']", "", w) for w in spaced.split() if re.sub(r"[^\w']", "", w)]


def _trailing_digits(words: list[str]) -> int:
    """Digits at the end of the words; a homophone ("too") counts next to a real digit."""
    count = 0
    pending = 0
    for word in reversed(words):
        if word.isdigit():
            count += len(word) + pending
            pending = 0
        elif word in NUMBER_WORDS:
            count += 1 + pending
            pending = 0
        elif word in HOMOPHONES:
            pending += 1
        else:
            break
    return count


def _ends_a_clause(words: list[str]) -> bool:
    """ "what day it is", "where they were": a verb after its pronoun closes the clause."""
    return len(words) >= 2 and words[-1] in CLOSING_VERBS and words[-2] in PRONOUNS


def _asked_whole(stripped: str, words: list[str]) -> bool:
    """ "Which cards can I pay with?": a question Whisper closed with its mark may end on a
    small word; it is a full sentence, not a trailing one. Not one that ends on a word a number
    follows ("Can you look up my order number?" and then the digits)."""
    opening = next((w for w in words if w not in LEAD_INS), "")  # "And what days …"
    question = stripped.endswith("?") and opening in QUESTION_STARTS and len(words) >= 3
    return question and words[-1] not in NUMBER_NOUNS


def names_a_number_unsaid(text: str) -> bool:
    """ "My order is…", "I'd like to check on my order.": a statement that names a number (an
    order's, an account's, a phone's) but says none of it. A caller often reads the number out
    after a breath, and Whisper, reading the words before that breath, can make a sentence of
    them. A question closed with its mark is asked whole ("Can I check on an order with you?")."""
    words = _tokens(text)
    if text.rstrip().endswith("?") or not any(w in NUMBER_NOUNS for w in words):
        return False
    said = (w.isdigit() or w in SPOKEN_NUMBER_WORDS or w.startswith(tuple(TENS)) for w in words)
    return not any(said)


def classify(text: str) -> Completeness:
    """Classify a transcript of what the caller has said so far."""
    stripped = text.strip()
    words = _tokens(stripped)
    if not words:
        return Completeness.UNKNOWN
    if stripped.endswith((",", "...", "…", "-", "—")):
        return Completeness.INCOMPLETE
    ended = stripped.endswith((".", "?", "!"))
    if ended and len(words) >= 2 and words[-1] == "please":  # "Yes, please." closes a request
        return Completeness.COMPLETE
    if words[-1] in HOLD_WORDS and not _ends_a_clause(words):
        return Completeness.LIKELY if _asked_whole(stripped, words) else Completeness.INCOMPLETE
    digits = _trailing_digits(words)
    if digits:
        context = words[: len(words) - digits][-3:]
        if digits < MIN_DIGITS_FOR_A_NUMBER and any(w in NUMBER_CONTEXT for w in context):
            return Completeness.INCOMPLETE
    if stripped.endswith(("?", "!")):
        return Completeness.COMPLETE
    if ended and words[0] in ANSWER_STARTS and len(words) <= MAX_ANSWER_WORDS:
        return Completeness.COMPLETE
    if words[0] in QUESTION_STARTS and len(words) >= 3:
        return Completeness.COMPLETE
    if stripped.endswith(".") and len(words) >= 3:
        return Completeness.LIKELY
    return Completeness.UNKNOWN
