"""Whisper on CTranslate2 with the encoder window cut to the audio.

faster-whisper (and its `chunk_length`) always pads the mel spectrogram to 30 s, so every call
pays for a 30 s encoder pass. Cutting the window to the utterance plus a little silence makes the
encoder 6-15x faster with the same text, but a short window can make the decoder loop. So the
decode length is bounded by the audio's duration, repetition is detected, and a looping or
runaway decode is redone on the padded 30 s window. faster-whisper supplies the feature
extractor, tokenizer and word alignment; CTranslate2 runs the model.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import merge_punctuations

from voicecli.config import SttConfig

SAMPLE_RATE = 16000
HOP = 160
PADDED_FRAMES = 3000
MAX_DECODE = 448
PREPEND_PUNCTUATION = "\"'“¿([{-"
APPEND_PUNCTUATION = "\"'.。,，!！?？:：”)]}、"


@dataclass(frozen=True)
class Word:
    """One recognised word with its time span in seconds from the start of the audio."""

    text: str
    start: float
    end: float
    probability: float


@dataclass
class Transcript:
    """What one call to the recogniser produced, and how."""

    text: str
    words: list[Word] = field(default_factory=list)
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    window: str = "cut"
    fallback_reason: str = ""
    audio_s: float = 0.0
    decode_ms: float = 0.0
    tokens: list[int] = field(default_factory=list)


def repeats(tokens: list[int], ngram: int, count: int) -> bool:
    """True if some n-gram of `ngram` tokens occurs `count` or more times back to back."""
    for n in range(1, ngram + 1):
        if len(tokens) < n * count:
            continue
        for start in range(len(tokens) - n * count + 1):
            gram = tokens[start : start + n]
            if all(tokens[start + k * n : start + (k + 1) * n] == gram for k in range(count)):
                return True
    return False


def compression_ratio(text: str) -> float:
    """zlib compression ratio of the text; looping transcripts compress well (> 2.4)."""
    raw = text.encode("utf-8")
    return len(raw) / max(1, len(zlib.compress(raw)))


class WhisperEngine:
    """A CTranslate2 Whisper model that transcribes short utterances on a cut encoder window."""

    def __init__(self, model_dir: Path, config: SttConfig) -> None:
        self.config = config
        self._fw = WhisperModel(
            str(model_dir),
            device="cpu",
            compute_type=config.compute_type,
            cpu_threads=config.threads,
            num_workers=1,
        )
        self.model: ctranslate2.models.Whisper = self._fw.model
        self.features = self._fw.feature_extractor
        self.tokenizer = Tokenizer(
            self._fw.hf_tokenizer,
            self.model.is_multilingual,
            task="transcribe",
            language=config.language if self.model.is_multilingual else "en",
        )

    def transcribe(
        self, audio: np.ndarray, prompt: str = "", cut: bool = True, words: bool | None = None
    ) -> Transcript:
        """Transcribe 16 kHz float32 audio.

        `cut=False` forces the padded 30 s window; `words` overrides the config's
        word_timestamps (word alignment costs one more decoder pass).
        """
        started = time.perf_counter()
        audio_s = audio.size / SAMPLE_RATE
        want_words = self.config.word_timestamps if words is None else words
        result = None
        reason = ""
        if cut:
            result = self._decode(audio, prompt, padded=False, words=want_words)
            reason = self._loop_reason(result, audio_s)
            if reason:
                result = None
        if result is None:
            result = self._decode(audio, prompt, padded=True, words=want_words)
            result.fallback_reason = reason
        result.audio_s = audio_s
        result.decode_ms = (time.perf_counter() - started) * 1000.0
        return result

    def _loop_reason(self, result: Transcript, audio_s: float) -> str:
        c = self.config
        if repeats(result.tokens, c.repeat_ngram, c.repeat_count):
            return "repetition"
        if compression_ratio(result.text) > 2.4:
            return "compression"
        if len(result.tokens) >= self._max_tokens(audio_s):
            return "length"
        return ""

    def _max_tokens(self, audio_s: float) -> int:
        c = self.config
        return min(MAX_DECODE // 2, max(c.min_max_tokens, int(c.tokens_per_second * audio_s) + 4))

    def _mel(self, audio: np.ndarray, padded: bool) -> np.ndarray:
        if padded:
            window = np.zeros(PADDED_FRAMES * HOP, dtype=np.float32)
            clip = audio[: window.size]
            window[: clip.size] = clip
            return self.features(window, padding=0)[:, :PADDED_FRAMES]
        pad = int(self.config.window_pad_s * SAMPLE_RATE)
        padded_audio = np.concatenate([audio.astype(np.float32), np.zeros(pad, np.float32)])
        mel = self.features(padded_audio, padding=0)
        frames = min(PADDED_FRAMES, mel.shape[1] - mel.shape[1] % 2)
        return mel[:, :frames]

    def _decode(self, audio: np.ndarray, prompt: str, padded: bool, words: bool) -> Transcript:
        mel = self._mel(audio, padded)
        encoded = self._fw.encode(mel)
        sot = list(self.tokenizer.sot_sequence)
        prompt_tokens: list[int] = []
        if prompt:
            prompt_tokens = [self.tokenizer.sot_prev, *self.tokenizer.encode(" " + prompt.strip())]
        bound = MAX_DECODE // 2 if padded else self._max_tokens(audio.size / SAMPLE_RATE)
        start = prompt_tokens[-(MAX_DECODE // 2 - 1) :] + sot + [self.tokenizer.no_timestamps]
        result = self.model.generate(
            encoded,
            [start],
            beam_size=self.config.beam_size,
            # CTranslate2 4.x lets Whisper emit min(max_length/2, max_length - prompt) new
            # tokens (measured), so ask for enough to allow `bound` new tokens.
            max_length=max(2 * bound, bound + len(start)),
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < self.tokenizer.eot]
        text = self.tokenizer.decode(tokens).strip()
        transcript = Transcript(
            text=text,
            avg_logprob=float(result.scores[0]) if result.scores else 0.0,
            no_speech_prob=float(result.no_speech_prob),
            window="padded" if padded else "cut",
            tokens=tokens,
        )
        if words and tokens:
            transcript.words = self._words(tokens, encoded, mel.shape[1], audio.size / SAMPLE_RATE)
        return transcript

    def _words(
        self, tokens: list[int], encoded: ctranslate2.StorageView, frames: int, audio_s: float
    ) -> list[Word]:
        aligned = self._fw.find_alignment(self.tokenizer, [tokens], encoded, frames)[0]
        merge_punctuations(aligned, PREPEND_PUNCTUATION, APPEND_PUNCTUATION)
        return [
            Word(
                text=w["word"].strip(),
                start=min(float(w["start"]), audio_s),
                end=min(float(w["end"]), audio_s),
                probability=float(w["probability"]),
            )
            for w in aligned
            if w["word"].strip()
        ]
