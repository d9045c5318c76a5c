"""An ONNX Runtime session that gives its CPU arena back after a run on a large input.

ORT's CPU arena keeps every block it ever grew for: a voice that once spoke a 70-word sentence
holds that sentence's tensors (~400 MB for Piper) for the rest of the call, so `talk` grows in
steps at each new longest sentence. Turning the arena off costs every run its allocations
(Piper's 8-word piece 12 % slower here); shrinking it after every run costs the short first
piece the same. So runs on inputs up to `keep_size` elements use the arena as it is, and a run
on a larger input shrinks it at its end (`memory.enable_memory_arena_shrinkage`). The voice
cuts its sentences into parts that fit (policy/piecefit.py), so a shrink is left for the one
word too long to cut: the arena stays at what the usual pieces need, without the band of
growing and giving back that shrinking after every long sentence made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import onnxruntime as ort

SHRINK_CPU_ARENA = ("memory.enable_memory_arena_shrinkage", "cpu:0")


class ArenaBoundedSession:
    """Wraps an InferenceSession; `run` shrinks the CPU arena after inputs over `keep_size`."""

    def __init__(self, session: ort.InferenceSession, input_name: str, keep_size: int) -> None:
        self.session = session
        self.input_name = input_name
        self.keep_size = keep_size
        self.shrink = ort.RunOptions()
        self.shrink.add_run_config_entry(*SHRINK_CPU_ARENA)
        self.shrinks = 0

    def run(self, output_names: Sequence[str] | None, feed: Mapping[str, Any]) -> list[Any]:
        large = feed[self.input_name].size > self.keep_size
        self.shrinks += large
        return self.session.run(output_names, dict(feed), self.shrink if large else None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)  # inputs, outputs, metadata: the session's own
