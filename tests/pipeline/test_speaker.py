"""The speaker with the real Piper voice: a held reply is voiced but waits, unplayed, for its
release; a newer reply drops it. Driven on the test's thread (no worker started)."""

from __future__ import annotations

import time

from voicecli.audio.playout import PlayedSpan, PlayoutRing, Progress
from voicecli.bus import EventBus
from voicecli.events import ReleaseReply, ReplyDone, ReplyPiece, ReplyRequest, TtsChunk
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.speaker import Speaker

OUT_RATE = 22050


def speaker_on(tts) -> tuple[Speaker, PlayoutRing, Generation, list[int]]:
    bus = EventBus(time.monotonic)
    playout = PlayoutRing(OUT_RATE * 30, OUT_RATE)
    queued: list[int] = []

    def on_span(progress: Progress, span: PlayedSpan) -> None:
        if progress is Progress.QUEUED:
            queued.append(span.piece)

    playout.listen(on_span)
    generation = Generation()
    return Speaker(bus, tts, playout, generation), playout, generation, queued


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
