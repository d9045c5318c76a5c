"""The `voicecli` console script: nothing heavy is imported before Ctrl-C can be handled, so an
interrupt while the libraries load is exit 130 and one line, like one at any other moment."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from voicecli.cli import run_cli
    except KeyboardInterrupt:
        sys.stderr.write("interrupted (Ctrl-C)\n")
        sys.exit(130)
    sys.exit(run_cli(sys.argv[1:]))
