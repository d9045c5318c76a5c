"""The console script starts numpy's BLAS on one thread (no spinning thread beside the
listener), unless the user chose otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

NATIVE_THREADS_AFTER_START = """
import contextlib, io, os, sys, threading
sys.argv = ["voicecli", "--help"]
from voicecli import entry
try:
    with contextlib.redirect_stdout(io.StringIO()):
        entry.main()
except SystemExit:
    pass
print(len(os.listdir("/proc/self/task")) - threading.active_count())
"""


def native_threads(environment: dict[str, str]) -> int:
    """Threads not Python's in a process that ran `voicecli --help` (numpy and the CLI
    loaded)."""
    done = subprocess.run(
        [sys.executable, "-c", NATIVE_THREADS_AFTER_START],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


def test_numpy_starts_no_blas_threads_unless_the_user_asks() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert native_threads(environment) == 0
    asked = native_threads({**environment, "OPENBLAS_NUM_THREADS": "2"})
    assert asked == 1, "the user's own setting stands (and BLAS then starts its thread)"
