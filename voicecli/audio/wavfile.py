"""Read and write WAV files as float32 arrays at the rate the caller wants (soundfile + soxr)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from voicecli.errors import VoicecliError


def resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample mono float32 audio with soxr (high quality); a no-op when rates match."""
    if from_rate == to_rate:
        return audio.astype(np.float32, copy=False)
    return soxr.resample(audio.astype(np.float32, copy=False), from_rate, to_rate, quality="HQ")


def read_wav(path: Path, rate: int) -> np.ndarray:
    """Load any WAV/FLAC as mono float32 in [-1, 1] at `rate` (first channel of multi-channel)."""
    try:
        audio, file_rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, OSError) as err:
        raise VoicecliError(f"{path}: cannot read audio ({err}); give a WAV or FLAC file") from None
    return resample(audio[:, 0], int(file_rate), rate)


def check_audio_file(path: Path, flag: str) -> float:
    """Read the header only: the file is audio soundfile can decode and holds some. Returns
    its length in seconds."""
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, OSError) as err:
        reason = str(err).split(": ", 1)[-1] or "not audio"
        raise VoicecliError(
            f"{flag} {path}: not audio voicecli can read ({reason}); give a WAV or FLAC file"
        ) from None
    if info.frames <= 0 or info.samplerate <= 0:
        raise VoicecliError(f"{flag} {path}: holds no audio (0 samples); give a recording")
    return info.frames / info.samplerate


def write_wav(path: Path, audio: np.ndarray, rate: int, container: str | None = None) -> None:
    """Write float32 audio (mono, or [samples, channels]) as 16-bit PCM WAV (or the
    `container` soundfile names, e.g. "WAV" for a file whose name does not say it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), np.clip(audio, -1.0, 1.0), rate, subtype="PCM_16", format=container)


def to_int16(audio: np.ndarray) -> np.ndarray:
    """float32 [-1, 1] → int16 PCM."""
    return (np.clip(audio, -1.0, 1.0) * 32767.0).astype(np.int16)


def to_float32(pcm: np.ndarray) -> np.ndarray:
    """int16 PCM → float32 [-1, 1]."""
    return pcm.astype(np.float32) / 32768.0
