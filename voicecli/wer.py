"""Word error rate with the text normalisation transcripts need before they are compared.

Both sides are first made speakable (numbers and symbols in words, the way the agent reads them
aloud), so "10 of clubs" matches "ten of clubs"; contractions are written out and hesitations
("um") left out, as both are written either way; then every run of number words is one number in
digits, so "4219", "four two one nine" and "forty-two nineteen" are all "4219" — a number said
another way is not an error, a wrong number is one.
"""

from __future__ import annotations

import re

import jiwer

from voicecli.policy.numbers import is_number_word, number_value
from voicecli.policy.speakable import speakable

ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint", "ok": "okay"}
# written either way by Whisper and by people: compared in full
CONTRACTIONS = {
    "it's": "it is",
    "that's": "that is",
    "what's": "what is",
    "where's": "where is",
    "there's": "there is",
    "here's": "here is",
    "who's": "who is",
    "how's": "how is",
    "let's": "let us",
    "i'm": "i am",
    "you're": "you are",
    "we're": "we are",
    "they're": "they are",
    "i'd": "i would",
    "you'd": "you would",
    "i'll": "i will",
    "you'll": "you will",
    "we'll": "we will",
    "i've": "i have",
    "you've": "you have",
    "we've": "we have",
    "don't": "do not",
    "doesn't": "does not",
    "didn't": "did not",
    "can't": "cannot",
    "won't": "will not",
    "isn't": "is not",
    "aren't": "are not",
    "wasn't": "was not",
    "haven't": "have not",
    "hasn't": "has not",
    "couldn't": "could not",
    "wouldn't": "would not",
    "shouldn't": "should not",
}
# hesitations: Whisper writes some and leaves out others; they carry no words
FILLERS = frozenset({"um", "uh", "er", "erm", "ah", "hmm", "hm", "mm", "uhm"})


def spoken_words(text: str) -> list[str]:
    """The words as they are spoken: lower case, no punctuation, hyphens split words, numbers
    and symbols in words (what counts how much of a reply was played)."""
    text = speakable(text).lower().replace("-", " ")
    words = re.sub(r"[^a-z' ]+", " ", text).split()
    return [ABBREVIATIONS.get(w, w) for w in (w.strip("'") for w in words) if w]


def normalize_words(text: str) -> list[str]:
    """The words as transcripts are compared: spoken, contractions written out, hesitations
    left out, each run of number words one number in digits."""
    plain = [
        part
        for w in spoken_words(text)
        if w not in FILLERS
        for part in CONTRACTIONS.get(w, w).split()
    ]
    out: list[str] = []
    run: list[str] = []
    for word in [*plain, ""]:
        if word and is_number_word(word):
            run.append(word)
            continue
        if run:
            out.append(number_value(run) or " ".join(run))
            run = []
        if word:
            out.append(word)
    return out


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
