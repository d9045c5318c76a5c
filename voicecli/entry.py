"""The `voicecli` console script: nothing heavy is imported before Ctrl-C can be handled, so an
interrupt while the libraries load is exit 130 and one line, like one at any other moment."""

from __future__ import annotations

import os
import sys


def main() -> None:
    # numpy's OpenBLAS keeps a thread per core that spins for a while after each call: a
    # quarter of a core beside the listener's 10 ms frames. Nothing here needs BLAS on many
    # threads (the models bring their own), so one — set before numpy loads.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        from voicecli.cli import run_cli
    except KeyboardInterrupt:
        sys.stderr.write("interrupted (Ctrl-C)\n")
        sys.exit(130)
    sys.exit(run_cli(sys.argv[1:]))
