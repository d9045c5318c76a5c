"""Human speech with transcripts for tests: Debian's pocketsphinx-testdata (scripts/setup)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from voicecli.audio.wavfile import read_wav

DATA = Path("/usr/share/pocketsphinx/test/data")
LINE = re.compile(r"<s>\s*(.*?)\s*</s>\s*\((.*)\)")


@dataclass(frozen=True)
class Clip:
    """A recorded utterance and what was said."""

    name: str
    path: Path
    text: str

    def audio(self, rate: int = 16000) -> np.ndarray:
        return read_wav(self.path, rate)


def _clips(folder: str, transcription: str) -> list[Clip]:
    listing = DATA / folder / transcription
    if not listing.is_file():
        pytest.fail(f"{listing} is missing: run scripts/setup (Debian pocketsphinx-testdata)")
    clips = []
    for line in listing.read_text().splitlines():
        match = LINE.match(line.strip())
        if match:
            text, name = match.groups()
            clips.append(Clip(name, DATA / folder / f"{name}.wav", text))
    return clips


def librivox() -> list[Clip]:
    """Five read sentences, 3-7 s each."""
    return _clips("librivox", "transcription")


def cards() -> list[Clip]:
    """Five short card names ("ten of clubs"), 1-3.5 s each."""
    return _clips("cards", "cards.transcription")
