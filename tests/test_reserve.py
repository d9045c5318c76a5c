"""Reserving the speech engines' memory at load: a full window of speech, no arena given back."""

from __future__ import annotations

from voicecli.engines.reserve import RESERVE_TEXT, reserve_memory
from voicecli.engines.stt import WhisperEngine
from voicecli.engines.tts import PiperEngine, split_sentences


def test_reserve_fills_the_window_with_pieces_the_voice_arena_keeps(
    tts: PiperEngine, stt: WhisperEngine
) -> None:
    keep = tts.voice.session.keep_size
    for sentence in split_sentences(RESERVE_TEXT):
        ids = [len(tts.voice.phonemes_to_ids(p)) for p in tts.voice.phonemize(sentence)]
        assert 0.6 * keep < max(ids) <= keep, sentence  # near the kept size, never over it
    shrinks = tts.voice.session.shrinks
    assert reserve_memory(stt, tts, window_s=10.0) == 10.0  # the speech covers the window
    assert tts.voice.session.shrinks == shrinks
