"""Piper: chunks tagged with the text they speak, and speech the recogniser can read back."""

from __future__ import annotations

from voicecli.audio.wavfile import resample
from voicecli.engines.stt import WhisperEngine
from voicecli.engines.tts import PiperEngine, split_sentences
from voicecli.wer import character_error_rate

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
