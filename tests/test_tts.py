"""Piper: chunks tagged with the text they speak, and speech the recogniser can read back."""

from __future__ import annotations

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
    tts: PiperEngine, stt: WhisperEngine
) -> None:
    sentence = "The weather today is sunny and warm, with a light breeze from the west."
    audio = resample(tts.speak(sentence), tts.sample_rate, 16000)
    heard = stt.transcribe(audio).text
    # Piper's voice varies from run to run; a misheard word or two must not fail the test
    assert character_error_rate(sentence, heard) <= 0.2, heard


def test_empty_text_yields_no_audio(tts: PiperEngine) -> None:
    assert list(tts.synthesize("   ")) == []
    assert tts.speak("").size == 0


def test_split_sentences() -> None:
    assert split_sentences("One. Two!  Three? Four") == ["One.", "Two!", "Three?", "Four"]
    assert split_sentences("It costs 3.50 dollars.") == ["It costs 3.50 dollars."]


def test_word_times_say_where_each_word_ends_in_the_audio(
    tts: PiperEngine, stt: WhisperEngine
) -> None:
    sentence = "Once upon a time, there was a little cat named Whiskers who lived by the old mill."
    [chunk] = list(tts.synthesize(sentence))
    words = sentence.split()
    assert len(chunk.word_times) == len(words)
    assert chunk.word_times[-1][1] <= chunk.audio.size
    # the audio cut where a word ends is heard as the sentence up to that word, no more, no less
    for last in (3, 7, 10):
        cut = resample(chunk.audio[: chunk.word_times[last][1]], tts.sample_rate, 16000)
        heard = normalize_words(stt.transcribe(cut, words=False).text)
        assert heard == normalize_words(" ".join(words[: last + 1])), (last, heard)
