"""glibc's mmap threshold, fixed: a freed large block goes back to the system even after a
larger one was freed (which raises glibc's own threshold for good)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from voicecli.heap import _libc

CHILD = """
import ctypes, sys
from voicecli.heap import set_mmap_threshold
if sys.argv[1] == "fixed":
    assert set_mmap_threshold(64)
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
class Info(ctypes.Structure):  # struct mallinfo2
    _fields_ = [(n, ctypes.c_size_t) for n in
        ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
         "fordblks", "keepcost")]
libc.mallinfo2.restype = Info
libc.free(libc.malloc(8 << 20))  # an 8 MB block, mmapped and freed
before = libc.mallinfo2().hblkhd
block = libc.malloc(1 << 20)  # then a 1 MB one
print(libc.mallinfo2().hblkhd - before)
"""


def mmapped_bytes(mode: str) -> int:
    """Bytes glibc mmapped for a 1 MB block after an 8 MB one was freed, in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


@pytest.mark.skipif(_libc() is None, reason="the C library is not glibc (the setting is a no-op)")
def test_a_large_block_is_mmapped_once_the_threshold_is_fixed() -> None:
    assert mmapped_bytes("glibc") == 0  # its own threshold rose to 8 MB: the heap serves it
    assert mmapped_bytes("fixed") >= 1 << 20  # its own mapping, unmapped when freed
