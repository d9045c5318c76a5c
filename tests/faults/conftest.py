"""The fault suite's tools: run the real `voicecli` process on bad input, and read what it said.

Every fault must end in exactly one line on stderr, starting `error:`, that names what is wrong
and the fix, and the conventional exit code (1 error, 2 usage, 130 Ctrl-C) — never a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from voicecli.config import Config
from voicecli.modelstore import ModelStore

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "voicecli" / "samples" / "caller.wav"
REAL_STORE = Config().store_path()  # read before any test changes HOME


@dataclass
class Ran:
    """What one `voicecli` process did."""

    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def voicecli(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    read_only: Path | None = None,
    timeout: float = 120,
) -> Ran:
    """Run `python -m voicecli ARGS` in `cwd`; `read_only` is mounted read-only for it alone."""
    command = [sys.executable, "-m", "voicecli", *args]
    if read_only is not None:
        command = read_only_wrapper(read_only) + command
    full_env = {
        **os.environ,
        "COLUMNS": "200",
        "HOME": str(cwd / "home"),  # session logs and crash reports stay in the test's folder
        "VOICECLI_MODELS": str(REAL_STORE),
        **(env or {}),
    }
    (cwd / "home").mkdir(exist_ok=True)
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, env=full_env, timeout=timeout
    )
    return Ran(result.returncode, result.stdout, result.stderr)


def read_only_wrapper(path: Path) -> list[str]:
    """A command prefix that runs the command with `path` read-only. As root (who may write
    anywhere) that is a read-only bind mount in a mount namespace of the command's own, gone
    when it exits; otherwise plain permissions do it (see `read_only_permissions`)."""
    if os.geteuid() != 0:
        return []
    assert shutil.which("unshare"), "unshare (util-linux) is needed for the read-only tests"
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(path)]


@pytest.fixture
def read_only_permissions() -> Iterator[list[Path]]:
    """For a user who is not root: folders appended here lose their write bits for the test."""
    held: list[Path] = []
    yield held
    for path in held:
        for folder in [path, *path.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o755)


def make_read_only(path: Path, held: list[Path]) -> None:
    if os.geteuid() != 0:
        for folder in [path, *path.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o555)
        held.append(path)


def assert_one_line(ran: Ran, code: int, *words: str) -> str:
    """The process exited `code` with exactly one `error:` line holding every one of `words`."""
    assert "Traceback" not in ran.stderr + ran.stdout, ran.stderr
    assert ran.code == code, (ran.code, ran.stderr, ran.stdout[-2000:])
    assert len(ran.lines) == 1, ran.stderr
    line = ran.lines[0]
    assert line.startswith("error: "), line
    for word in words:
        assert word in line, f"{word!r} not in {line!r}"
    return line


@pytest.fixture(scope="session")
def real_store() -> ModelStore:
    store = ModelStore(Config().store_path())
    for model in store.models.values():
        if model.default:
            store.require(model.id)  # make test installs them; a missing one is a failure
    return store


@pytest.fixture
def linked_store(tmp_path: Path, real_store: ModelStore) -> Path:
    """The default models hard-linked (never copied) into a fresh store with no hash stamps,
    so a command must hash them and would want to write its stamps."""
    store = tmp_path / "store"
    for model in real_store.models.values():
        if not model.default:
            continue
        (store / model.id).mkdir(parents=True)
        for f in model.files:
            source = real_store.model_dir(model) / f.name
            try:
                os.link(source, store / model.id / f.name)
            except OSError:
                (store / model.id / f.name).symlink_to(source)
    return store
