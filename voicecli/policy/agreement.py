"""LocalAgreement-2 (Macháček et al., 2023): a word is stable once two decodes in a row agree.

Each hypothesis is the transcript of the whole utterance so far. The stable prefix only grows:
it is extended by the longest common prefix of the last two hypotheses (compared without case
or punctuation), and the rest of the newest hypothesis is the unstable tail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def word_key(word: str) -> str:
    """How words are compared: lower case, letters, digits and apostrophes only."""
    return re.sub(r"[^\w']", "", word.lower())


@dataclass(frozen=True)
class Agreement:
    """Stable words (never retracted) and the newest hypothesis's unstable tail."""

    stable: tuple[str, ...]
    unstable: tuple[str, ...]

    @property
    def stable_text(self) -> str:
        return " ".join(self.stable)

    @property
    def unstable_text(self) -> str:
        return " ".join(self.unstable)

    @property
    def text(self) -> str:
        return " ".join(self.stable + self.unstable)


class LocalAgreement:
    """Keeps the stable prefix of one utterance across successive hypotheses."""

    def __init__(self, stable: list[str] | None = None, previous: list[str] | None = None) -> None:
        """A fresh utterance, or (long turns) one that goes on from words already settled."""
        self.stable: list[str] = list(stable or [])
        self.previous: list[str] | None = list(previous) if previous is not None else None

    def update(self, hypothesis: str) -> Agreement:
        words = hypothesis.split()
        done = len(self.stable)
        if self.previous is not None:
            for old, new in zip(self.previous[done:], words[done:], strict=False):
                if not word_key(new) or word_key(old) != word_key(new):
                    break
                self.stable.append(new)
        self.previous = words
        return Agreement(tuple(self.stable), tuple(words[len(self.stable) :]))

    def finalize(self, hypothesis: str) -> Agreement:
        """The decode that covers the end of the utterance is taken whole."""
        self.stable = hypothesis.split()
        self.previous = list(self.stable)
        return Agreement(tuple(self.stable), ())


def lost_words(final: list[str], stable: list[str], earlier: list[str] | None) -> bool:
    """The end-of-speech hypothesis is weaker than what was heard: it is empty (the VAD heard
    speech, or there would be no turn), or shorter than the prefix two passes agreed on.
    (A caller reading digits with pauses: the pause's decode can come back empty.)"""
    return not final or len(final) < len(stable)
