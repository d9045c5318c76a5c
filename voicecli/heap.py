"""glibc's malloc, told to give large freed blocks back to the system.

glibc serves a block of at least its mmap threshold with an mmap of its own, unmapped when the
block is freed; smaller blocks come from its heaps, where freed memory stays resident unless it
lies at a heap's top. The threshold starts at 128 KB and rises, for good, to the size of any
mmapped block freed (up to 32 MB). In `talk` the voice's ONNX arena gives back a long
sentence's tensors (engines/ortarena.py), Whisper frees each decode's buffers: from then on
blocks that size come from the heaps, and a long call grew in steps at its long sentences and
never came down (+98 to +136 MB from turn five on the rig). Set once, the threshold stays where
it is put (glibc stops adjusting it): at 64 KB the same call grew in a band instead of a
staircase (peak 1206-1328 MB against 1443). But every block over it is then mapped and its
pages faulted in afresh, Whisper's feature extraction's among them, and the holdout's STT final
p50 was 975 ms against 702-ish before (one run each, not interleaved): so it is off by default
(`[session] mmap_threshold_kb = 0`) until a threshold that spares the latency is measured
(docs/performance.md, session 34). Elsewhere than glibc (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
GLIBC_MAX_KB = 32 * 1024  # where glibc's own adjusting threshold can rise to (64-bit)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt  # noqa: B018 - glibc has it; musl and macOS do not
    except (OSError, AttributeError):
        return None
    return libc


def set_mmap_threshold(kb: int) -> bool:
    """Blocks of `kb` KB and more get mmaps of their own from now on; 0 leaves glibc as it is
    (in a process that already fixed it, as it was fixed). False where nothing was set."""
    libc = _libc()
    if libc is None or kb <= 0:
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, min(kb, GLIBC_MAX_KB) * 1024))
