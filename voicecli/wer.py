"""Word error rate with the text normalisation transcripts need before they are compared.

Both sides are first made speakable (numbers and symbols in words, the way the agent reads them
aloud), so "10 of clubs" matches "ten of clubs" and "4219" matches "four two one nine".
"""

from __future__ import annotations

import re

import jiwer

from voicecli.policy.speakable import speakable

ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint"}


def normalize_words(text: str) -> list[str]:
    """Lower-case spoken words without punctuation; hyphens split words."""
    text = speakable(text).lower().replace("-", " ")
    words = re.sub(r"[^a-z' ]+", " ", text).split()
    return [ABBREVIATIONS.get(w, w) for w in (w.strip("'") for w in words) if w]


def word_error_rate(references: list[str], hypotheses: list[str]) -> float:
    """Corpus WER over pairs of reference and hypothesis texts, after normalisation."""
    refs = [" ".join(normalize_words(r)) for r in references]
    hyps = [" ".join(normalize_words(h)) for h in hypotheses]
    if not any(refs):
        raise ValueError("word_error_rate needs at least one non-empty reference")
    return float(jiwer.wer(refs, hyps))


def character_error_rate(reference: str, hypothesis: str) -> float:
    """CER over the normalised words with spaces removed ("France is" ≈ "Francis")."""
    ref = "".join(normalize_words(reference))
    hyp = "".join(normalize_words(hypothesis))
    if not ref:
        raise ValueError("character_error_rate needs a non-empty reference")
    return float(jiwer.cer(ref, hyp))
