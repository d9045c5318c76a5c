"""A recording that grows block by block without copying what it already holds.

Virtual and rig devices record every block they play and hear (20 ms). Kept as a list of
small arrays, a 20-minute call is 120,000 allocations interleaved with the thread's short-lived
ones, which fragments the heap; grown by concatenation, it copies the whole call on every block.
Here blocks are copied into fixed chunks of a few seconds, allocated as needed: one large
allocation per chunk, nothing copied twice, and the memory it holds is exactly its chunks.
"""

from __future__ import annotations

import numpy as np

CHUNK_SECONDS = 30.0


class GrowingRecording:
    """Mono float32 samples appended in blocks, held in fixed-size chunks."""

    def __init__(self, rate: int, chunk_seconds: float = CHUNK_SECONDS) -> None:
        self.chunk_samples = max(1, round(rate * chunk_seconds))
        self._chunks: list[np.ndarray] = []
        self._size = 0  # samples written

    @property
    def size(self) -> int:
        return self._size

    @property
    def nbytes(self) -> int:
        """The memory the chunks hold (the last one is allocated whole)."""
        return sum(chunk.nbytes for chunk in self._chunks)

    def append(self, block: np.ndarray) -> None:
        samples = np.asarray(block, dtype=np.float32).reshape(-1)
        done = 0
        while done < samples.size:
            at = self._size % self.chunk_samples
            if at == 0:
                self._chunks.append(np.empty(self.chunk_samples, dtype=np.float32))
            n = min(samples.size - done, self.chunk_samples - at)
            self._chunks[-1][at : at + n] = samples[done : done + n]
            done += n
            self._size += n

    def array(self) -> np.ndarray:
        """Everything recorded, as one array (a copy)."""
        if not self._chunks:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(self._chunks)[: self._size]
