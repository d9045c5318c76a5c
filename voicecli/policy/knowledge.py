"""Which rows of the store's knowledge base a caller's words are about.

A row is a topic ("returns"), the phrases that name it and the text that answers it. A phrase
matches when its words appear in order in the caller's words, each word as the start of a
spoken word ("ship to" matches "shipping to", "refund" matches "refunds"). Matching phrases are
strong evidence — the question is about that topic; content words shared with the row's text
are weak evidence — the row is worth giving the language model as context, no more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"[a-z0-9']+")
# words too common to say what a question is about
COMMON_WORDS = """
a an the and or but if of to in on at by for from with about as is are was were be been do
does did can could would will shall should may might must i you we they he she it my your our
their me us them this that these those what which who when where why how there here have has
had not no yes so any some all just like get got than then too very one please hi hello thanks
thank okay ok well also up out over into its it's i'm you're
"""
COMMON = frozenset(COMMON_WORDS.split())


@dataclass(frozen=True)
class KnowledgeRow:
    """One answerable topic of the store."""

    topic: str
    keywords: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Match:
    """How strongly a row is what the caller asks about."""

    row: KnowledgeRow
    phrases: int  # keyword phrases found in the caller's words
    shared: int  # content words shared with the row's text


SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
REQUEST_SENTENCES = 2


def request_part(text: str) -> str:
    """The end of what the caller said, where a question is: its last two sentences. (A story
    before it — "the shop was open late", "I paid cash" — is not a question about the shop.)"""
    return " ".join(SENTENCE_END.split(text.strip())[-REQUEST_SENTENCES:])


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("-", " "))


INFLECTIONS = ("", "s", "es", "d", "ed", "ing")


def inflects(said: str, word: str) -> bool:
    """`said` is `word` or a form of it ("closed", "closing", "shipping", "refunds") — not
    another word it begins ("closest", "opener", "cashier")."""
    stems = {word, word[:-1] if word.endswith("e") else word, word + word[-1]}
    return any(said == stem + ending for stem in stems for ending in INFLECTIONS)


def _phrase_at(said: list[str], phrase: list[str], start: int) -> bool:
    return start + len(phrase) <= len(said) and all(
        inflects(said[start + k], word) for k, word in enumerate(phrase)
    )


def phrase_hits(said: list[str], keywords: tuple[str, ...]) -> int:
    hits = 0
    for keyword in keywords:
        phrase = words(keyword)
        if phrase and any(_phrase_at(said, phrase, i) for i in range(len(said))):
            hits += 1
    return hits


def content(tokens: list[str]) -> set[str]:
    """Content words, cut to a stem of five letters ("shipping" and "shipped" meet)."""
    return {w[:5] for w in tokens if w not in COMMON and len(w) > 2 and not w.isdigit()}


def matches(text: str, rows: tuple[KnowledgeRow, ...]) -> list[Match]:
    """Rows the words touch, the best first (phrases count before shared words)."""
    said = words(text)
    said_content = content(said)
    found = []
    for row in rows:
        hits = phrase_hits(said, row.keywords)
        shared = len(said_content & content(words(row.text)))
        if hits or shared:
            found.append(Match(row, hits, shared))
    return sorted(found, key=lambda m: (m.phrases, m.shared), reverse=True)


def topic_of(text: str, rows: tuple[KnowledgeRow, ...]) -> KnowledgeRow | None:
    """The row the caller asks about (a keyword phrase in the request names it), or None."""
    found = matches(request_part(text), rows)
    return found[0].row if found and found[0].phrases else None


def context_rows(
    text: str, rows: tuple[KnowledgeRow, ...], min_shared: int = 2
) -> list[KnowledgeRow]:
    """Rows worth giving the language model when no phrase names a topic: those sharing at
    least `min_shared` content words with the request. (Facts that do not answer the question
    make a small model recite them instead of answering.)"""
    found = matches(request_part(text), rows)
    return [m.row for m in found if m.phrases or m.shared >= min_shared][:2]
