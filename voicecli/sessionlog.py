"""Where a `voicecli talk` session writes its log: one new file per session, never shared.

The default name is the local start time; a second session started in the same second gets
`-2`, `-3`, … (the file is created exclusively, so two processes can never pick the same one).
A log the user names with `--log` is checked like any output before the models load.
"""

from __future__ import annotations

import time
from pathlib import Path

from voicecli.errors import VoicecliError
from voicecli.trace import TraceWriter

MAX_SAME_SECOND = 1000


def open_default_log(log_dir: Path, stamp: str | None = None) -> TraceWriter:
    """A new log file in `log_dir`, named by `stamp` (default: now) and a number if taken."""
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
    try:
        for n in range(1, MAX_SAME_SECOND + 1):
            name = f"{stamp}.jsonl" if n == 1 else f"{stamp}-{n}.jsonl"
            try:
                return TraceWriter(log_dir / name, exclusive=True)
            except FileExistsError:
                continue
    except OSError as err:
        raise VoicecliError(
            f"{log_dir}: cannot write session logs there ({err.strerror}); set "
            "[session] log_dir to a writable folder, or pass --log FILE or --no-log"
        ) from None
    raise VoicecliError(f"{log_dir}: {MAX_SAME_SECOND} session logs named {stamp}; tidy it up")


def open_named_log(path: Path, overwrite: bool) -> TraceWriter:
    """The log the user named (already checked with userpaths.check_output_file)."""
    try:
        return TraceWriter(path, fresh=overwrite, exclusive=not overwrite)
    except FileExistsError:
        raise VoicecliError(
            f"--log {path}: already exists; give a new name, or pass --overwrite to replace it"
        ) from None
    except OSError as err:
        raise VoicecliError(f"--log {path}: cannot write it ({err.strerror})") from None
