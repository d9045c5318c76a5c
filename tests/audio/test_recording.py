"""The chunked recording the virtual and rig devices keep of a call."""

from __future__ import annotations

import numpy as np

from voicecli.audio.recording import GrowingRecording


def test_blocks_across_chunk_boundaries_come_back_as_one_signal() -> None:
    rng = np.random.default_rng(1)
    blocks = [rng.standard_normal(n).astype(np.float32) for n in (220, 221, 500, 3, 1000, 77)]
    recording = GrowingRecording(rate=100, chunk_seconds=3.0)  # chunks of 300 samples
    for block in blocks:
        recording.append(block)
    total = sum(b.size for b in blocks)
    np.testing.assert_array_equal(recording.array(), np.concatenate(blocks))
    assert recording.size == total
    assert recording.nbytes == -(-total // 300) * 300 * 4, "whole chunks, nothing else"


def test_an_empty_recording_is_an_empty_signal() -> None:
    recording = GrowingRecording(rate=16000)
    assert recording.array().size == 0 and recording.nbytes == 0
