"""A crash report: when voicecli fails in a way it did not foresee, the traceback goes to a
file (never to the user's terminal) and the user gets one line naming it."""

from __future__ import annotations

import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

CRASH_DIR = Path("~/.local/state/voicecli/crashes")


def write_crash_report(err: BaseException, args: list[str]) -> Path:
    """Write the traceback, the command line and the versions; return the file's path."""
    text = (
        f"voicecli {' '.join(args)}\n"
        f"python {sys.version.split()[0]} on {platform.platform()}\n\n"
        + "".join(traceback.format_exception(type(err), err, err.__traceback__))
    )
    name = time.strftime("crash-%Y%m%d-%H%M%S.txt")
    for folder in (CRASH_DIR.expanduser(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = Path(tempfile.mkstemp(dir=folder, prefix=name[:-4] + "-", suffix=".txt")[1])
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return Path("(nowhere: no writable folder)")
