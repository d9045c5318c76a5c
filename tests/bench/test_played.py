"""The heard-text reference: how many of a reply's words played, from Whisper's transcript of
the played audio (transcripts below are Whisper's own, from bench runs)."""

from __future__ import annotations

import pytest

from tests.bench.test_metrics import OUT, T0, place, played, record, turn
from voicecli.audioformat import CAPTURE_RATE
from voicecli.bench.metrics import interrupted_reply_text
from voicecli.bench.played import heard_error_words, played_audio, played_word_count
from voicecli.events import AssistantTurn, PlayoutStarted, ReplyPiece

STORY = (
    "A brave little cat named Whiskers was a curious and adventurous dog who loved to explore "
    "the world around him."
)


def test_whisper_completing_a_cut_off_fragment_is_not_a_played_word() -> None:
    # "was" cut 90 ms in: Whisper reads the fragment as two words
    heard = "I brave little cat named whiskers with a"
    assert len(heard.split()) == 8
    assert played_word_count(STORY, heard) == 6
    assert played_word_count(STORY, "A brave little cat named Whiskers was a cute cat.") == 8


def test_words_whisper_misheard_still_played() -> None:
    assert played_word_count(STORY, "Upper a little cat. Known") == 4  # "A brave" run together
    assert played_word_count(STORY, "A brave little cat named Whisperers was a curious") == 9
    assert played_word_count(STORY, "Upraved little cat named whiskers was a") == 8


def test_no_evidence_no_word() -> None:
    assert played_word_count(STORY, "") == 0
    assert played_word_count(STORY, "Thank you.") == 0
    assert played_word_count("", "A brave little cat") == 0


def test_the_count_is_in_spoken_words_on_both_sides() -> None:
    reply = "Your order 4219 ships on Monday."
    assert played_word_count(reply, "Your order four two one nine ships") == 7
    assert heard_error_words("Your order 4219", reply, "Your order four two one nine ships") == 1


def test_history_claiming_unplayed_words_is_caught() -> None:
    # the speaker stopped in "Whiskers"; history said the whole first clause was heard
    heard = "A brave little cat named Whiskers was a curious and adventurous dog who loved"
    assert heard_error_words(heard, STORY, "A brave little cat named Whis-") >= 8
    assert heard_error_words("A brave little cat named Whiskers", STORY, "A brave little cat") == 2


def test_played_audio_is_the_cut_reply_from_its_first_sample_to_the_stop() -> None:
    first = place(0, turn(), onset=0.5, end=2.0)
    barge = place(1, turn("barge_in", "stop"), onset=4.0, end=4.5)
    events = [
        ReplyPiece(T0 + 2.5, 1, 0, "A brave little cat.", "A brave little cat."),
        ReplyPiece(T0 + 2.7, 1, 1, "It ran.", "It ran."),
        PlayoutStarted(T0 + 2.8, 1, int(2.81 * OUT)),
        AssistantTurn(T0 + 4.1, 1, "A brave little", True),
    ]
    run = record([first, barge], events, played((2.81, 4.06)))
    assert interrupted_reply_text(run, barge) == "A brave little cat. It ran."
    audio = played_audio(run, barge)
    assert audio is not None
    assert audio.size / CAPTURE_RATE == pytest.approx(4.06 - 2.81, abs=0.01)
    after = place(2, turn("barge_in", "stop"), onset=6.0, end=6.5)  # nothing left to cut
    assert interrupted_reply_text(run, after) is None and played_audio(run, after) is None
