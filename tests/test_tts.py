"""Piper: chunks tagged with the text they speak, and speech the recogniser can read back."""

from __future__ import annotations

from difflib import SequenceMatcher

import numpy as np

from voicecli.audio.wavfile import resample
from voicecli.engines.stt import WhisperEngine
from voicecli.engines.tts import PiperEngine, split_sentences
from voicecli.wer import character_error_rate, normalize_words

SENTENCES = "Your order is on its way. It should arrive tomorrow afternoon! Anything else?"


def test_one_chunk_per_sentence_tagged_with_its_text(tts: PiperEngine) -> None:
    chunks = list(tts.synthesize(SENTENCES))
    assert [c.text for c in chunks] == [
        "Your order is on its way.",
        "It should arrive tomorrow afternoon!",
        "Anything else?",
    ]
    for chunk in chunks:
        assert chunk.sample_rate == 22050
        assert 0.4 < chunk.duration_s < 4.0
        assert 0.01 < float(abs(chunk.audio).max()) <= 1.0


def test_piper_speech_transcribes_back_to_the_sentence(
    steady_tts: PiperEngine, stt: WhisperEngine
) -> None:
    sentence = "The weather today is sunny and warm, with a light breeze from the west."
    audio = resample(steady_tts.speak(sentence), steady_tts.sample_rate, 16000)
    heard = stt.transcribe(audio).text
    # the steady voice is the same audio every run; the margin is for a word Whisper mishears
    assert character_error_rate(sentence, heard) <= 0.2, heard


def test_empty_text_yields_no_audio(tts: PiperEngine) -> None:
    assert list(tts.synthesize("   ")) == []
    assert tts.speak("").size == 0


def test_split_sentences() -> None:
    assert split_sentences("One. Two!  Three? Four") == ["One.", "Two!", "Three?", "Four"]
    assert split_sentences("It costs 3.50 dollars.") == ["It costs 3.50 dollars."]


def test_word_times_match_where_whisper_hears_each_word_end(
    steady_tts: PiperEngine, stt: WhisperEngine
) -> None:
    sentence = (
        "The weather today is sunny and warm, with a light breeze from the west, "
        "and rain comes later tonight."
    )
    [chunk] = list(steady_tts.synthesize(sentence))
    words = sentence.split()
    assert len(chunk.word_times) == len(words)
    assert chunk.word_times[-1][1] <= chunk.audio.size
    heard = stt.transcribe(resample(chunk.audio, steady_tts.sample_rate, 16000), words=True).words
    # Whisper's own word ends (±50-100 ms) on the words it heard as written
    pairs = SequenceMatcher(
        None,
        [" ".join(normalize_words(w)) for w in words],
        [" ".join(normalize_words(w.text)) for w in heard],
    ).get_matching_blocks()
    matched = [(i + k, j + k) for i, j, n in pairs for k in range(n)]
    assert len(matched) >= len(words) - 3, [w.text for w in heard]
    rate = steady_tts.sample_rate
    piper = [abs(chunk.word_times[i][1] / rate - heard[j].end) for i, j in matched]
    # the estimate from letters that heard text falls back on without timings
    weights = np.cumsum([len(w) + 1 for w in words]) / (len(sentence) + 1)
    letters = [abs(weights[i] * chunk.duration_s - heard[j].end) for i, j in matched]
    assert np.mean(piper) <= 0.12, np.round(piper, 2)
    assert np.mean(piper) <= np.mean(letters) / 2, (np.mean(piper), np.mean(letters))


def test_a_sentence_longer_than_the_arena_keeps_is_spoken_in_parts_that_fit(
    steady_tts: PiperEngine, stt: WhisperEngine
) -> None:
    session = steady_tts.voice.session
    before = session.shrinks
    sentence = (
        "Items can be returned within thirty days of delivery, unused and in their original "
        "packaging, and the refund reaches your card within five working days after we receive "
        "them at our warehouse."
    )
    assert steady_tts.phoneme_ids(sentence) > session.keep_size  # one run would outgrow the arena
    [chunk] = list(steady_tts.synthesize(sentence))
    assert session.shrinks == before  # every part ran on the arena as it is
    assert chunk.text == sentence and len(chunk.word_times) == len(sentence.split())
    heard = stt.transcribe(resample(chunk.audio, steady_tts.sample_rate, 16000)).text
    assert character_error_rate(sentence, heard) <= 0.2, heard


def test_a_word_longer_than_the_arena_keeps_gives_the_arena_back(tts: PiperEngine) -> None:
    session = tts.voice.session
    before = session.shrinks
    word = "Supercalifragilisticexpialidocious" * 3  # one word: it cannot be cut
    assert tts.phoneme_ids(word) > session.keep_size
    assert tts.speak(word).size > 0
    assert session.shrinks == before + 1
    assert tts.speak("Anything else?").size > 0  # the arena grows again after a shrink
