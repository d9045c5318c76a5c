"""Caller voices for the bench: offline synthesizers that are not the agent's voice.

A scenario that names a voice set (`voices = "holdout"`) is run once per voice of the set; its
turns say text (`say`) that is rendered here, by espeak-ng or flite (Debian packages), at 16 kHz,
levelled like the shipped clips, and cached by voice and text. The sets are split the way the
corpus is: thresholds and rules are tuned on `tune` voices and sentences; `holdout` voices and
sentences are only ever measured.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicecli.audio.wavfile import read_wav, write_wav
from voicecli.audioformat import CAPTURE_RATE
from voicecli.errors import VoicecliError

LEVEL_DBFS = -21.0  # RMS of the speech, as in the shipped Piper clips
PEAK = 0.89  # -1 dBFS
JOIN_GAP_S = 0.12  # between the parts of a turn said in parts (a pause goes in the middle)


@dataclass(frozen=True)
class Voice:
    """One synthetic caller: which program speaks, with which of its voices, how fast."""

    name: str
    program: str  # "espeak-ng" | "flite"
    voice: str  # espeak-ng "en-us+f4"; flite "slt"
    speed: float = 1.0  # >1 faster
    split: str = "tune"

    def command(self, text: str, out: Path) -> list[str]:
        if self.program == "espeak-ng":
            wpm = str(round(170 * self.speed))
            return ["espeak-ng", "-v", self.voice, "-s", wpm, "-w", str(out), text]
        stretch = f"duration_stretch={1.0 / self.speed:.3f}"
        return ["flite", "-voice", self.voice, "--setf", stretch, "-t", text, "-o", str(out)]


VOICES = (
    Voice("espeak-us-m3", "espeak-ng", "en-us+m3", 1.0, "tune"),
    Voice("espeak-gb-f3", "espeak-ng", "en-gb+f3", 0.95, "tune"),
    Voice("flite-kal", "flite", "kal", 1.0, "tune"),
    Voice("flite-rms", "flite", "rms", 1.0, "tune"),
    Voice("espeak-midlands-m3-slow", "espeak-ng", "en-gb-x-gbcwmd+m3", 0.75, "tune"),
    Voice("espeak-us-f4-fast", "espeak-ng", "en-us+f4", 1.15, "holdout"),
    Voice("espeak-scotland-m5-slow", "espeak-ng", "en-gb-scotland+m5", 0.75, "holdout"),
    Voice("flite-slt", "flite", "slt", 1.0, "holdout"),
    Voice("flite-awb", "flite", "awb", 1.0, "holdout"),
)
SETS = ("tune", "holdout")


def voice_set(name: str) -> tuple[Voice, ...]:
    """The voices of a set ("tune", "holdout") or one voice by name."""
    if name in SETS:
        return tuple(v for v in VOICES if v.split == name)
    found = tuple(v for v in VOICES if v.name == name)
    if not found:
        known = ", ".join((*SETS, *(v.name for v in VOICES)))
        raise VoicecliError(f"unknown caller voice '{name}'; known: {known}")
    return found


def level(audio: np.ndarray) -> np.ndarray:
    """Speech RMS to LEVEL_DBFS, peaks kept under PEAK."""
    loud = audio[np.abs(audio) > 0.01]
    if loud.size == 0:
        return audio
    gain = 10 ** (LEVEL_DBFS / 20) / float(np.sqrt(np.mean(loud**2)))
    gain = min(gain, PEAK / float(np.abs(audio).max()))
    return (audio * gain).astype(np.float32)


def trim(audio: np.ndarray, threshold: float = 0.003) -> np.ndarray:
    """Synthesizers pad with silence; a turn's clip starts and ends at its speech (±20 ms)."""
    loud = np.flatnonzero(np.abs(audio) > threshold)
    if loud.size == 0:
        return audio
    margin = CAPTURE_RATE // 50
    return audio[max(0, loud[0] - margin) : loud[-1] + margin]


def synthesize(voice: Voice, text: str) -> np.ndarray:
    """`text` in `voice`, 16 kHz float32, trimmed (not levelled)."""
    if shutil.which(voice.program) is None:
        raise VoicecliError(
            f"caller voice '{voice.name}' needs {voice.program}; run make setup "
            f"(or apt-get install {voice.program})"
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "say.wav"
        done = subprocess.run(voice.command(text, out), capture_output=True, text=True)
        if done.returncode != 0 or not out.is_file():
            raise VoicecliError(f"{voice.program} failed for '{voice.name}': {done.stderr.strip()}")
        return trim(read_wav(out, CAPTURE_RATE))


def render(
    voice: Voice, parts: tuple[str, ...], cache: Path, pause_s: float
) -> tuple[Path, tuple[tuple[float, float], ...]]:
    """The clip of a turn said in `parts` (cached), and the pauses to insert at its joins."""
    key = hashlib.sha256(repr((voice, parts, JOIN_GAP_S, LEVEL_DBFS)).encode()).hexdigest()[:16]
    path = cache / voice.name / f"{key}.wav"
    gap = np.zeros(round(JOIN_GAP_S * CAPTURE_RATE), dtype=np.float32)
    pieces = [synthesize(voice, part) for part in parts] if not path.is_file() else []
    joins: list[float] = []
    if pieces:
        at = 0
        joined: list[np.ndarray] = []
        for i, piece in enumerate(pieces):
            if i:
                joined.append(gap)
                joins.append(round((at + gap.size / 2) / CAPTURE_RATE, 3))
                at += gap.size
            joined.append(piece)
            at += piece.size
        path.parent.mkdir(parents=True, exist_ok=True)
        write_wav(path, level(np.concatenate(joined)), CAPTURE_RATE)
        (path.with_suffix(".joins")).write_text(" ".join(map(str, joins)))
    else:
        marks = path.with_suffix(".joins").read_text().split()
        joins = [float(j) for j in marks]
    return path, tuple((j, pause_s) for j in joins)


BABBLE_LINES = (
    "I told him we would meet at the station after lunch on Tuesday.",
    "The weather has been strange all week, warm and then suddenly cold.",
    "Did you see the match last night? It went on for hours.",
    "We need more milk, some bread, and something for dinner.",
    "She said the meeting was moved to the small room upstairs.",
    "My brother is painting the kitchen yellow, can you believe it?",
)
BABBLE_TALKERS = 6


def babble(cache: Path, seconds: float = 20.0) -> np.ndarray:
    """Babble: six voices of both programs talking at once, unrelated lines, looped to
    `seconds` and levelled (a crowd behind the caller: speech-like, no words to follow)."""
    path = cache / "babble" / f"{hashlib.sha256(repr(BABBLE_LINES).encode()).hexdigest()[:12]}.wav"
    if path.is_file():
        return read_wav(path, CAPTURE_RATE)
    n = round(seconds * CAPTURE_RATE)
    mix = np.zeros(n, dtype=np.float32)
    rng = np.random.default_rng(7)
    for talker in range(BABBLE_TALKERS):
        voice = VOICES[talker % len(VOICES)]
        lines = [synthesize(voice, line) for line in np.roll(BABBLE_LINES, talker)]
        track = np.concatenate(
            [np.concatenate([a, np.zeros(CAPTURE_RATE // 5, np.float32)]) for a in lines]
        )
        track = np.tile(track, int(np.ceil(n / track.size)) + 1)
        offset = int(rng.integers(0, track.size - n))
        mix += level(track[offset : offset + n])
    mix /= np.float32(np.sqrt(np.mean(mix**2)) + 1e-9)  # unit RMS: scaled where it is used
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, mix * np.float32(0.1), CAPTURE_RATE)
    return mix * np.float32(0.1)


def babble_at(cache: Path, dbfs: float, seed: int) -> np.ndarray:
    """The babble at an RMS of `dbfs`, started `seed` seconds in (each run hears another
    stretch of the crowd); loop it over the run's samples."""
    crowd = babble(cache)
    gain = 10.0 ** (dbfs / 20.0) / float(np.sqrt(np.mean(crowd**2)))
    return np.roll(crowd * np.float32(gain), seed * CAPTURE_RATE)
