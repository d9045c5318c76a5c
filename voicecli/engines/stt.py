"""Whisper on CTranslate2 with the encoder window cut to the audio.

faster-whisper (and its `chunk_length`) always pads the mel spectrogram to 30 s, so every call
pays for a 30 s encoder pass. Cutting the window to the utterance plus a little silence makes the
encoder 6-15x faster with the same text, but on a short window the decoder tends to loop
("He was not. He was not. He was not.") or to invent a segment after the audio ends. So the cut
window decodes with timestamps and keeps only segments inside the audio, the decode length is
bounded by the audio's duration, a phrase repeated back to back is cut after its first copy,
and a decode that still looks wrong (a short unit looping, a runaway length, text that
compresses too well) is redone on the padded 30 s window. faster-whisper supplies the feature
extractor, tokenizer and word alignment; CTranslate2 runs the model.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import merge_punctuations

from voicecli.audioformat import CAPTURE_RATE
from voicecli.config import SttConfig

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
    retry_skipped: bool = False  # a retry was due but no longer wanted (`wanted` said so)


@dataclass
class Attempt:
    """One decoder pass: kept text tokens and what is needed to align or judge them."""

    tokens: list[int]
    encoded: ctranslate2.StorageView
    frames: int
    avg_logprob: float
    no_speech_prob: float
    hit_bound: bool
    window: str


def find_loop(words: list[str], count: int, phrase_words: int) -> tuple[int, int] | None:
    """(start, unit) of the first looping run of words, compared without case or punctuation.

    A loop is a unit repeated `count` times back to back, or a phrase of at least
    `phrase_words` words said twice in a row (people do not; a looping decoder does).
    """
    keys = [re.sub(r"[^\w']", "", w.lower()) for w in words]
    n = len(keys)
    for start in range(n):
        for unit in range(1, (n - start) // 2 + 1):
            times = count if unit < phrase_words else 2
            if start + times * unit > n:
                continue
            first = keys[start : start + unit]
            if all(
                keys[start + k * unit : start + (k + 1) * unit] == first for k in range(1, times)
            ):
                return start, unit
    return None


def find_restart(words: list[str], min_words: int) -> int | None:
    """Where a decode cut off by its length bound began saying again what it had said: the
    first index from which the remaining words repeat an earlier stretch of at least
    `min_words` ("How many days are there in a week? How many days are there in"), or go on
    copying the unit of two or more different words just before them, a whole copy at least ("Yes,
    that's right Yes, that's right Yes, that"). The last word may be cut short by the bound.
    A decode that stopped on its own never ends mid-copy, so this is asked only of one that
    hit the bound."""
    keys = [re.sub(r"[^\w']", "", w.lower()) for w in words]
    n = len(keys)
    for start in range(1, n):
        tail = keys[start:]
        for j in range(start):
            unit = start - j
            apart = len(tail) >= min_words and j + len(tail) <= start
            periodic = len(set(keys[j:start])) >= 2 and len(tail) >= unit
            if (apart or periodic) and _copies(keys[j : j + len(tail)], tail):
                return start
    return None


def _copies(earlier: list[str], tail: list[str]) -> bool:
    """`tail` says `earlier` again, its last word perhaps cut short."""
    return earlier[:-1] == tail[:-1] and earlier[-1].startswith(tail[-1])


def keep_segments(
    ids: list[int],
    timestamp_begin: int,
    eot: int,
    audio_s: float,
    decode: Callable[[list[int]], str],
) -> list[int]:
    """Text tokens of the segments that are really in the audio.

    A timestamped decode is `<|t0|> text <|t1|><|t1|> text <|t2|>…`. On a window cut short the
    decoder may go on inventing: a segment starting at or past the end of the audio, or one
    repeating an earlier segment word for word, ends the transcript; so does a last segment the
    decode bound cut off (no closing timestamp) that starts the transcript over (an 8 s question
    decoded in full, then "I am planning a trip to Ita…" again). Without timestamps the tokens
    are returned as they are.
    """
    text = [t for t in ids if t < eot]
    if not any(t >= timestamp_begin for t in ids):
        return text
    kept: list[int] = []
    seen: set[str] = set()
    segment: list[int] = []
    opened: float | None = None
    for token in ids:
        if token < eot:
            segment.append(token)
        elif token >= timestamp_begin:
            stamp = (token - timestamp_begin) * 0.02
            if opened is None:
                opened = stamp
                continue
            if not _take(segment, opened, audio_s, seen, decode):
                return kept
            kept += segment
            segment, opened = [], None
    if segment and _take(segment, opened or 0.0, audio_s, seen, decode, unfinished=True):
        kept += segment
    return kept


def _take(
    segment: list[int],
    start: float,
    audio_s: float,
    seen: set[str],
    decode: Callable[[list[int]], str],
    unfinished: bool = False,
) -> bool:
    key = " ".join(re.sub(r"[^\w' ]", " ", decode(segment).lower()).split())
    if start >= audio_s - 0.1 or (key and key in seen):
        return False
    if unfinished and key and any(earlier.startswith(key) for earlier in seen):
        return False
    seen.add(key)
    return True


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
        self,
        audio: np.ndarray,
        prompt: str = "",
        cut: bool = True,
        words: bool | None = None,
        fallback: bool = True,
        beam_size: int | None = None,
        wanted: Callable[[], bool] | None = None,
        draft: Callable[[Transcript], bool] | None = None,
    ) -> Transcript:
        """Transcribe 16 kHz float32 audio.

        `cut=False` forces the padded 30 s window; `words` overrides the config's
        word_timestamps (word alignment costs one more decoder pass). With `fallback=False`
        (interim hypotheses) a cut-window decode that looks wrong is not redone on the padded
        window: its text up to where it went wrong is returned instead. `beam_size` overrides
        the config's (the transcriber asks for a wider beam on the decodes it commits).
        `wanted` is asked before a retry (a wider window, the padded window): once it says no
        (the caller went on after the pause being decoded) the decode ends as an interim one
        would, `retry_skipped` set — a retry costs up to 2.7 s here, and the transcriber would
        spend it on a pause that is over while the turn's end waits.
        `draft`, given with a beam wider than one, is handed the greedy reading of the same
        encoded window first (one more decoder pass, no second encoder pass), when that
        reading looks sound: something to start on while the beam decides. If it returns True
        the reading stands and the beam is not run (a plain turn Whisper was sure of).
        """
        started = time.perf_counter()
        audio_s = audio.size / CAPTURE_RATE
        want_words = self.config.word_timestamps if words is None else words
        reason = ""
        beam = beam_size or self.config.beam_size
        skipped = False

        def retry() -> bool:
            nonlocal skipped
            skipped = skipped or (wanted is not None and not wanted())
            return not skipped

        if cut:
            greedy, stood = None, None
            if draft is not None and beam > 1:
                greedy, stood = self._draft(audio, prompt, audio_s, draft)
            if greedy is not None and stood is not None:
                attempt, tokens = greedy, stood  # the greedy reading stands: no beam
            else:
                attempt = self._generate(audio, prompt, beam, padded=False, reuse=greedy)
                short = audio_s < self.config.min_window_s
                if self._heard_nothing(attempt) and short and retry():
                    attempt = self._generate(audio, prompt, beam, padded=False, widen=True)
                tokens, reason = self._repair(attempt)
            if not reason or not fallback or not retry():
                result = self._finish(attempt, tokens, want_words, audio_s)
                result.fallback_reason = reason
                reason = ""
        if not cut or reason:
            attempt = self._generate(audio, prompt, beam, padded=True)
            tokens, _ = self._repair(attempt)  # the last resort: a loop is cut, not redone
            result = self._finish(attempt, tokens, want_words, audio_s)
            result.fallback_reason = reason
        result.audio_s = audio_s
        result.decode_ms = (time.perf_counter() - started) * 1000.0
        result.retry_skipped = skipped
        return result

    def _draft(
        self,
        audio: np.ndarray,
        prompt: str,
        audio_s: float,
        draft: Callable[[Transcript], bool],
    ) -> tuple[Attempt, list[int] | None]:
        """The greedy reading of the cut window, handed to `draft` unless it heard nothing or
        looks wrong; returned for the beam's pass to reuse its encoded window, with its tokens
        if `draft` said the reading stands (else None: the beam decides)."""
        started = time.perf_counter()
        attempt = self._generate(audio, prompt, 1, padded=False)
        tokens, reason = self._repair(attempt)
        if tokens and not reason and not self._heard_nothing(attempt):
            reading = self._finish(attempt, tokens, False, audio_s)
            reading.audio_s = audio_s
            reading.decode_ms = (time.perf_counter() - started) * 1000.0
            if draft(reading):
                return attempt, tokens
        return attempt, None

    def _heard_nothing(self, attempt: Attempt) -> bool:
        """A short cut window decoded as silence: Whisper base often hears a 1-2 s answer
        ("Yes, please.") as nothing on a window that short; it is redone on a wider one."""
        return not attempt.tokens or attempt.no_speech_prob > self.config.no_speech_retry

    def _repair(self, attempt: Attempt) -> tuple[list[int], str]:
        """Tokens of a cut-window decode made safe, or the reason to redo it padded.

        A looping phrase is cut after its first copy, and so is a decode the length bound cut
        off as it began to say the same words again; a single word looping ("5 5 5 5") may be
        real speech or not, so that decode is redone on the padded window.
        """
        c = self.config
        tokens = attempt.tokens
        words = self.tokenizer.decode(tokens).split()
        loop = find_loop(words, c.repeat_count, c.phrase_words)
        if loop is not None:
            start, unit = loop
            kept = " ".join(words[: start + unit])
            tokens = self.tokenizer.encode(" " + kept) if kept else []
            return tokens, "repetition" if unit == 1 else ""
        if compression_ratio(self.tokenizer.decode(tokens)) > 2.4:
            return tokens, "compression"
        if attempt.hit_bound:
            restart = find_restart(words, c.phrase_words)
            if restart is None:
                return tokens, "length"
            return self.tokenizer.encode(" " + " ".join(words[:restart])), ""
        return tokens, ""

    def _max_tokens(self, audio_s: float) -> int:
        """Decode bound for the cut window: text tokens plus a pair of timestamps per ~2 s."""
        c = self.config
        text = max(c.min_max_tokens, int(c.tokens_per_second * audio_s) + 4)
        return min(MAX_DECODE // 2, text + 2 * (int(audio_s / 2.0) + 1))

    def _mel(self, audio: np.ndarray, padded: bool, widen: bool = False) -> np.ndarray:
        if padded:
            window = np.zeros(PADDED_FRAMES * HOP, dtype=np.float32)
            clip = audio[: window.size]
            window[: clip.size] = clip
            return self.features(window, padding=0)[:, :PADDED_FRAMES]
        pad = int(self.config.window_pad_s * CAPTURE_RATE)
        if widen:
            pad = max(pad, int(self.config.min_window_s * CAPTURE_RATE) - audio.size)
        padded_audio = np.concatenate([audio.astype(np.float32), np.zeros(pad, np.float32)])
        mel = self.features(padded_audio, padding=0)
        frames = min(PADDED_FRAMES, mel.shape[1] - mel.shape[1] % 2)
        return mel[:, :frames]

    def _generate(
        self,
        audio: np.ndarray,
        prompt: str,
        beam: int,
        padded: bool,
        widen: bool = False,
        reuse: Attempt | None = None,
    ) -> Attempt:
        """One decoder pass over the window (`reuse`: a pass over the same window, whose
        encoder output serves again)."""
        if reuse is not None:
            encoded, frames = reuse.encoded, reuse.frames
        else:
            mel = self._mel(audio, padded, widen)
            encoded, frames = self._fw.encode(mel), mel.shape[1]
        tok = self.tokenizer
        prompt_tokens: list[int] = []
        if prompt:
            prompt_tokens = [tok.sot_prev, *tok.encode(" " + prompt.strip())]
        audio_s = audio.size / CAPTURE_RATE
        # the padded window holds no more speech than the cut one: a decode that runs far past
        # what the audio can hold is looping (a short "No." once looped to the 224-token limit
        # on the padded window, 4 s of decoding while the turn waited); the fallback gets twice
        # the cut window's room
        bound = self._max_tokens(audio_s)
        if padded:
            bound = min(MAX_DECODE // 2, 2 * bound)
        # The cut window decodes with timestamps: the model marks where its segments end, and a
        # segment it invents past the end of the audio (or a copy of an earlier one) is dropped.
        mode = [tok.no_timestamps] if padded else []
        start = prompt_tokens[-(MAX_DECODE // 2 - 1) :] + list(tok.sot_sequence) + mode
        result = self.model.generate(
            encoded,
            [start],
            beam_size=beam,
            # CTranslate2 4.x lets Whisper emit min(max_length/2, max_length - prompt) new
            # tokens (measured), so ask for enough to allow `bound` new tokens.
            max_length=max(2 * bound, bound + len(start)),
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
        )[0]
        ids = result.sequences_ids[0]
        kept = keep_segments(ids, tok.timestamp_begin, tok.eot, audio_s, tok.decode)
        trimmed = len(kept) < sum(1 for t in ids if t < tok.eot)
        return Attempt(
            tokens=kept,
            encoded=encoded,
            frames=frames,
            avg_logprob=float(result.scores[0]) if result.scores else 0.0,
            no_speech_prob=float(result.no_speech_prob),
            hit_bound=len(ids) >= bound and not trimmed,  # a trimmed runaway was handled
            window="padded" if padded else "cut",
        )

    def _finish(
        self, attempt: Attempt, tokens: list[int], words: bool, audio_s: float
    ) -> Transcript:
        transcript = Transcript(
            text=self.tokenizer.decode(tokens).strip(),
            avg_logprob=attempt.avg_logprob,
            no_speech_prob=attempt.no_speech_prob,
            window=attempt.window,
            tokens=tokens,
        )
        if words and tokens:
            transcript.words = self._words(tokens, attempt.encoded, attempt.frames, audio_s)
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
