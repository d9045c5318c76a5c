"""Capture ring and playout ring: indices, overruns, spans, flush and generations."""

from __future__ import annotations

import threading

import numpy as np

from voicecli.audio.playout import PlayoutRing, Progress
from voicecli.audio.ring import SampleRing


def test_capture_ring_reads_by_absolute_index() -> None:
    ring = SampleRing(10)
    ring.write(np.arange(7))
    ring.write(np.arange(7, 15))
    assert ring.written == 15 and ring.oldest == 5
    np.testing.assert_array_equal(ring.read(8, 12), [8, 9, 10, 11])
    np.testing.assert_array_equal(ring.read(5, 15), np.arange(5, 15))
    assert ring.overruns == 0


def test_capture_ring_counts_an_overrun_and_zero_fills_lost_audio() -> None:
    ring = SampleRing(10)
    ring.write(np.arange(1, 16))
    np.testing.assert_array_equal(ring.read(2, 8), [0, 0, 0, 6, 7, 8])
    assert ring.overruns == 1


def test_capture_ring_wait_wakes_on_write_and_close() -> None:
    ring = SampleRing(100)
    writer = threading.Timer(0.05, lambda: ring.write(np.ones(10)))
    writer.start()
    assert ring.wait_for(10, timeout=5.0)
    writer.join()
    closer = threading.Timer(0.05, ring.close)
    closer.start()
    assert not ring.wait_for(20, timeout=5.0)
    closer.join()
    assert ring.closed


def play(ring: PlayoutRing, blocks: int, size: int = 25) -> np.ndarray:
    out = []
    for _ in range(blocks):
        block = np.zeros(size, dtype=np.float32)
        ring.read_into(block)
        out.append(block)
    return np.concatenate(out)


def test_playout_records_where_each_span_played() -> None:
    ring = PlayoutRing(100, 10)
    play(ring, 2)  # 50 samples of silence before the reply
    ring.write(np.full(30, 0.5), gen=1, piece=0, text="a")
    ring.write(np.full(30, 0.25), gen=1, piece=1, text="b")
    audio = play(ring, 3)
    np.testing.assert_array_equal(audio[:30], 0.5)
    np.testing.assert_array_equal(audio[30:60], 0.25)
    np.testing.assert_array_equal(audio[60:], 0.0)
    first, second = ring.state().spans
    assert (first.device_start, first.device_end) == (50, 80)
    assert (second.device_start, second.device_end) == (80, 110)


def test_running_dry_mid_reply_is_an_underrun_but_the_end_is_not() -> None:
    ring = PlayoutRing(100, 10)
    ring.write(np.ones(30), gen=1, piece=0, text="a")
    play(ring, 2)
    assert ring.underruns == 1
    ring.end_reply()
    play(ring, 2)
    assert ring.underruns == 1


def test_flush_cuts_the_playing_span_and_refuses_older_generations() -> None:
    ring = PlayoutRing(200, 10)
    ring.write(np.ones(40), gen=1, piece=0, text="a")
    ring.write(np.ones(40), gen=1, piece=1, text="b")
    play(ring, 1)
    stopped_at = ring.flush(min_gen=2)
    assert stopped_at == 25
    spans = ring.state().spans
    assert [(s.piece, s.end, s.device_end) for s in spans] == [(0, 25, 25)]
    assert not ring.write(np.ones(10), gen=1, piece=2, text="stale")
    assert ring.write(np.ones(10), gen=2, piece=0, text="new")
    assert ring.pending == 10


def test_the_ring_tells_its_listener_what_each_span_did() -> None:
    ring = PlayoutRing(200, 10)
    news: list[tuple[Progress, int, int | None, int | None]] = []
    ring.listen(lambda p, s: news.append((p, s.piece, s.device_start, s.device_end)))
    ring.write(np.ones(20), gen=1, piece=0, text="a")
    ring.write(np.ones(40), gen=1, piece=1, text="b")
    assert news == [(Progress.QUEUED, 0, None, None), (Progress.QUEUED, 1, None, None)]
    play(ring, 1)  # 25 samples: piece 0 played whole, piece 1 started
    assert news[2:] == [
        (Progress.PLAYING, 0, 0, None),
        (Progress.PLAYED, 0, 0, 20),
        (Progress.PLAYING, 1, 20, None),
    ]
    ring.flush(min_gen=2)
    assert news[5:] == [(Progress.CUT, 1, 20, 25)]


def test_a_full_ring_blocks_the_writer_until_played() -> None:
    ring = PlayoutRing(50, 10)
    done = threading.Event()

    def writer() -> None:
        ring.write(np.ones(120), gen=1, piece=0, text="long")
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    heard = []
    for _ in range(500):
        if done.wait(timeout=0.01):
            break
        heard.append(play(ring, 1))
    thread.join(timeout=5)
    assert done.is_set(), "the writer never got room"
    assert ring.state().spans[0].end == 120
    assert sum(float(block.sum()) for block in heard) + ring.pending == 120


def test_pause_fades_out_keeps_the_place_and_resume_carries_on() -> None:
    ring = PlayoutRing(1000, 100)
    ring.write(np.arange(1, 301, dtype=np.float32), gen=1, piece=0, text="a")
    first = play(ring, 1, size=50)
    np.testing.assert_array_equal(first, np.arange(1, 51))
    ring.pause(fade_samples=10)
    faded = play(ring, 1, size=50)
    assert faded[0] == 51 and faded[9] == 0.0 and not faded[10:].any()
    assert not play(ring, 3, size=50).any(), "silent while paused"
    assert ring.pending == 250 and ring.underruns == 0
    ring.resume(fade_samples=10)
    back = play(ring, 1, size=50)
    assert back[0] == 0.0 and back[10:].tolist() == list(range(61, 101))
    assert ring.state().spans[0].device_start == 0


def test_flush_ends_a_pause() -> None:
    ring = PlayoutRing(1000, 100)
    ring.write(np.ones(200, np.float32), gen=1, piece=0, text="a")
    ring.pause(fade_samples=5)
    ring.flush(min_gen=2)
    assert not ring.paused and ring.pending == 0
    ring.write(np.ones(50, np.float32), gen=2, piece=0, text="b")
    assert play(ring, 1, size=50).all()


def test_capture_ring_remembers_where_the_device_last_broke_its_stream() -> None:
    ring = SampleRing(100)
    assert ring.broken_at == -1
    ring.write(np.zeros(30))
    ring.mark_break()
    ring.write(np.zeros(10))
    assert ring.broken_at == 30
    ring.mark_break(before=15)  # the flag came a block after the loss
    assert ring.broken_at == 25
    ring.mark_break(before=500)
    assert ring.broken_at == 0


def test_a_sample_is_known_made_by_the_time_its_block_was_written() -> None:
    ring = SampleRing(100)
    ring.write(np.zeros(20), made_by=1.0)
    ring.write(np.zeros(20))  # no time given: the next write that gives one bounds it
    ring.write(np.zeros(20), made_by=3.0)
    assert [ring.made_by(s) for s in (0, 19, 20, 39, 40, 59)] == [1.0, 1.0, 3.0, 3.0, 3.0, 3.0]
    assert ring.made_by(60) is None  # not written yet
