"""Paths a user names on the command line, checked where they enter, before any work starts.

An input must be a readable file. An output must be writable where it points, must not be a
folder, must not be one of the inputs, and is never replaced unless the user said so
(`--overwrite`): a session of several minutes is not the moment to learn that its recording
cannot be written, nor to lose a file the user gave.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from voicecli.errors import VoicecliError


def check_input_file(path: Path, flag: str, takes: str) -> Path:
    """An existing, readable file; `takes` says what the flag wants ("a WAV file")."""
    if path.is_dir():
        raise VoicecliError(f"{flag} {path}: is a folder; {flag} takes {takes}")
    if not path.exists():
        raise VoicecliError(f"{flag} {path}: no such file; {flag} takes {takes}")
    try:
        with path.open("rb"):
            pass
    except OSError as err:
        raise VoicecliError(f"{flag} {path}: cannot read it ({err.strerror})") from None
    return path


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _first_existing(path: Path) -> Path:
    for ancestor in path.parents:
        if ancestor.exists():
            return ancestor
    return Path(path.anchor or ".")


def check_output_file(
    path: Path,
    flag: str,
    overwrite: bool = False,
    inputs: Iterable[tuple[str, Path]] = (),
) -> Path:
    """A place a new file can be written; `inputs` are (flag, path) pairs it must not be."""
    path = path.expanduser()
    for other_flag, other in inputs:
        if path.absolute() == other.expanduser().absolute() or _same(path, other):
            raise VoicecliError(
                f"{flag} {path}: is also {other_flag}; give {flag} a different file"
            )
    if path.is_dir():
        raise VoicecliError(f"{flag} {path}: is a folder; give a file name in it")
    if path.exists() and not path.is_file():
        raise VoicecliError(
            f"{flag} {path}: is not a regular file (a device or a pipe); give a file name"
        )
    if path.exists() and not overwrite:
        raise VoicecliError(
            f"{flag} {path}: already exists; give a new name, or pass --overwrite to replace it"
        )
    ancestor = _first_existing(path)
    if not ancestor.is_dir():
        raise VoicecliError(f"{flag} {path}: {ancestor} is a file, not a folder; fix the path")
    _probe(path if path.exists() else ancestor, flag, path)
    return path


def _probe(target: Path, flag: str, path: Path) -> None:
    """Raise one line if `target` (the file itself, or the folder it goes in) is not writable."""
    try:
        if target.is_dir():
            handle, name = tempfile.mkstemp(dir=target, prefix=".voicecli-probe-")
            os.close(handle)
            os.unlink(name)
        else:
            with target.open("ab"):
                pass
    except OSError as err:
        place = target if target.is_dir() else target.parent
        raise VoicecliError(
            f"{flag} {path}: cannot write in {place} ({err.strerror}); choose a writable place"
        ) from None


def write_atomically(
    path: Path, write: Callable[[Path], None], fallback_dir: Path | None = None
) -> Path:
    """Write through a temporary file next to `path`, then rename it into place.

    If that fails (the disk filled up, the folder went away), the data is written to
    `fallback_dir` (default: the system's temporary folder) instead of being lost, and a
    VoicecliError names both places. Returns where the data went.
    """
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(partial)
        partial.replace(path)
        return path
    except OSError as err:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        rescue = Path(tempfile.mkstemp(dir=fallback_dir, prefix="voicecli-", suffix=path.suffix)[1])
        write(rescue)
        raise VoicecliError(
            f"{path}: could not write it ({err.strerror}); it was saved to {rescue} instead"
        ) from None
