"""Word error rate with the text normalisation transcripts need before they are compared."""

from __future__ import annotations

import re

import jiwer

ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint"}
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def normalize_words(text: str) -> list[str]:
    """Lower-case words without punctuation; hyphens split words; digits read one by one."""
    text = text.lower().replace("-", " ")
    text = re.sub(r"\d", lambda m: f" {DIGIT_WORDS[int(m.group())]} ", text)
    words = re.sub(r"[^a-z' ]+", " ", text).split()
    return [ABBREVIATIONS.get(w, w) for w in (w.strip("'") for w in words) if w]


def word_error_rate(references: list[str], hypotheses: list[str]) -> float:
    """Corpus WER over pairs of reference and hypothesis texts, after normalisation."""
    refs = [" ".join(normalize_words(r)) for r in references]
    hyps = [" ".join(normalize_words(h)) for h in hypotheses]
    if not any(refs):
        raise ValueError("word_error_rate needs at least one non-empty reference")
    return float(jiwer.wer(refs, hyps))
