"""The speaker with the real Piper voice: a held reply is voiced but waits, unplayed, for its
release; a newer reply drops it. Driven on the test's thread (no worker started)."""

from __future__ import annotations

import time

import numpy as np

from voicecli.audio.leadin import AUDIBLE_DBFS, KEEP_S
from voicecli.audio.playout import PlayedSpan, PlayoutRing, Progress
from voicecli.bus import EventBus
from voicecli.events import ReleaseReply, ReplyDone, ReplyPiece, ReplyRequest, TtsChunk
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.speaker import Speaker

OUT_RATE = 22050


def speaker_on(tts, trim: bool = False) -> tuple[Speaker, PlayoutRing, Generation, list[int]]:
    bus = EventBus(time.monotonic)
    playout = PlayoutRing(OUT_RATE * 30, OUT_RATE)
    queued: list[int] = []

    def on_span(progress: Progress, span: PlayedSpan) -> None:
        if progress is Progress.QUEUED:
            queued.append(span.piece)

    playout.listen(on_span)
    generation = Generation()
    speaker = Speaker(bus, tts, playout, generation, trim_first_lead_in=trim)
    return speaker, playout, generation, queued


def say(speaker: Speaker, gen: int, *pieces: str) -> None:
    for index, text in enumerate(pieces):
        speaker.handle(ReplyPiece(0.0, gen, index, text, text))
    speaker.handle(ReplyDone(0.0, gen, " ".join(pieces), len(pieces), 5, False))


def test_a_held_reply_plays_nothing_until_it_is_released(tts) -> None:
    speaker, playout, generation, queued = speaker_on(tts)
    chunks = speaker.bus.subscribe((TtsChunk,), "test")
    generation.advance(1)
    speaker.handle(ReplyRequest(0.0, 1, 1, held=True))
    say(speaker, 1, "It is noon.", "Anything else?")
    voiced = [c for c in chunks.drain() if isinstance(c, TtsChunk)]
    assert len(voiced) == 2 and all(c.samples > 0 for c in voiced), "both are voiced"
    assert playout.pending == 0 and queued == [], "nothing reaches the speaker before release"
    speaker.handle(ReleaseReply(0.1, 1))
    assert queued == [0, 1], "released in order"
    assert playout.pending == sum(c.samples for c in voiced)


def test_a_piece_written_after_the_release_goes_straight_to_the_ring(tts) -> None:
    speaker, _, generation, queued = speaker_on(tts)
    generation.advance(1)
    speaker.handle(ReplyRequest(0.0, 1, 1, held=True))
    speaker.handle(ReplyPiece(0.0, 1, 0, "It is noon.", "It is noon."))
    speaker.handle(ReleaseReply(0.1, 1))
    speaker.handle(ReplyPiece(0.2, 1, 1, "Anything else?", "Anything else?"))
    assert queued == [0, 1]


def test_a_release_waiting_behind_pieces_plays_the_voiced_ones_first(tts) -> None:
    """A reply known whole comes as all its pieces at once: the commit's release, queued behind
    them, lets the voiced first piece play while the rest are voiced."""
    speaker, playout, generation, _ = speaker_on(tts)
    chunks = speaker.bus.subscribe((TtsChunk,), "test")
    queued: list[int] = []
    voiced_at_queue: list[int] = []

    def on_span(progress: Progress, span: PlayedSpan) -> None:
        if progress is Progress.QUEUED:
            queued.append(span.piece)
            voiced_at_queue.append(chunks.queue.qsize())

    playout.listen(on_span)  # in place of speaker_on's listener
    generation.advance(1)
    speaker.handle(ReplyRequest(0.0, 1, 1, held=True))
    speaker.handle(ReplyPiece(0.0, 1, 0, "We are open", "We are open"))
    speaker.bus.publish(ReleaseReply(0.1, 1))  # the commit, while two pieces wait
    speaker.handle(ReplyPiece(0.0, 1, 1, "Monday to Friday.", "Monday to Friday."))
    speaker.handle(ReplyPiece(0.0, 1, 2, "Closed on Sundays.", "Closed on Sundays."))
    assert queued == [0, 1, 2]
    assert voiced_at_queue == [1, 2, 3], "each piece reached the ring as soon as it was voiced"
    assert speaker.inbox is not None
    waiting = speaker.inbox.get(timeout=0)
    assert isinstance(waiting, ReleaseReply)
    speaker.handle(waiting)  # the release itself comes later and finds nothing held
    assert queued == [0, 1, 2]


def test_a_newer_reply_drops_the_held_one(tts) -> None:
    speaker, playout, generation, queued = speaker_on(tts)
    generation.advance(1)
    speaker.handle(ReplyRequest(0.0, 1, 1, held=True))
    say(speaker, 1, "It is noon.")
    generation.advance(2)
    speaker.handle(ReplyRequest(0.1, 2, 1))
    speaker.handle(ReleaseReply(0.2, 1))  # stale: the stage would drop it; the speaker too
    assert queued == [] and playout.pending == 0
    say(speaker, 2, "It is one o'clock.")
    assert queued == [0] and playout.pending > 0


def silence_before_sound_s(audio: np.ndarray) -> float:
    loud = np.flatnonzero(np.abs(audio) > 10.0 ** (AUDIBLE_DBFS / 20.0))
    return int(loud[0]) / OUT_RATE


def test_a_replys_first_piece_starts_at_its_sound_and_the_next_keeps_its_pause(
    steady_tts,
) -> None:
    spans: dict[int, int] = {}
    speaker, playout, generation, _ = speaker_on(steady_tts, trim=True)
    plain, _, _, _ = speaker_on(steady_tts)  # the same steady voice: the same audio
    chunks = speaker.bus.subscribe((TtsChunk,), "test")
    generation.advance(1)
    say(speaker, 1, "It is noon.", "Anything else?")
    for chunk in chunks.drain():
        if isinstance(chunk, TtsChunk):
            spans[chunk.piece] = chunk.samples
    out = np.zeros(playout.pending, dtype=np.float32)
    playout.read_into(out)
    first, second = out[: spans[0]], out[spans[0] :]
    untrimmed = plain.synthesize("It is noon.")
    assert untrimmed is not None
    assert silence_before_sound_s(untrimmed.audio) > 2 * KEEP_S, "Piper starts with silence"
    assert abs(silence_before_sound_s(first) - KEEP_S) < 0.002, "the first piece starts at once"
    again = plain.synthesize("Anything else?")
    assert again is not None
    assert second.size == again.audio.size, "the second piece keeps its lead-in"


def test_the_speaker_counts_the_pieces_it_has_finished_with(tts) -> None:
    """The reply's writer leaves Piper a core until the pieces it handed are voiced: the count
    grows once a piece is voiced (not before: asked from inside Piper's chunk stream), and
    also for a piece dropped because its reply was cancelled meanwhile."""
    seen: list[int] = []

    class Watched:
        sample_rate = tts.sample_rate

        def synthesize(self, text: str):
            for chunk in tts.synthesize(text):
                seen.append(speaker.voiced())
                yield chunk

    speaker, _, generation, queued = speaker_on(Watched())
    generation.advance(1)
    say(speaker, 1, "It is noon.")
    assert seen and set(seen) == {0}, "not counted while being voiced"
    assert speaker.voiced() == 1 and queued == [0]
    speaker.handle(ReplyPiece(0.0, 1, 1, "And sunny.", "And sunny."))
    assert speaker.voiced() == 2 and queued == [0, 1]
    generation.advance(2)  # reply 1 is cancelled: its late piece is dropped, and counted
    speaker.handle(ReplyPiece(0.0, 1, 2, "And warm.", "And warm."))
    assert speaker.voiced() == 3 and queued == [0, 1]
