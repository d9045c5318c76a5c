"""The model store: the manifest of every model, where each file lives, and sha256 verification.

A model is installed when every file listed in `models/manifest.toml` sits at
`<store>/<id>/<name>` with the listed size and sha256, however it got there.
Hashing a large model takes seconds, so a verified hash is remembered in
`<store>/<id>/.verified.json` keyed by size and mtime; `verify` always re-hashes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from importlib import resources
from pathlib import Path

from voicecli.errors import ModelMissingError, VoicecliError

HASH_BLOCK = 1 << 20
STAMP_NAME = ".verified.json"


@dataclass(frozen=True)
class Part:
    """One member of one wheel: `package==version:member/path`."""

    package: str
    version: str
    member: str

    @classmethod
    def parse(cls, spec: str) -> Part:
        requirement, _, member = spec.partition(":")
        package, _, version = requirement.partition("==")
        if not (package and version and member):
            raise VoicecliError(f"manifest: bad part '{spec}'; expected 'package==version:path'")
        return cls(package, version, member)

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"


@dataclass(frozen=True)
class ModelFile:
    """One file of a model, joined from its parts in order."""

    name: str
    parts: tuple[Part, ...]
    size: int
    sha256: str


@dataclass(frozen=True)
class Model:
    """One model of the manifest."""

    id: str
    role: str
    default: bool
    entry: str
    description: str
    licence: str
    files: tuple[ModelFile, ...]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def packages(self) -> list[str]:
        seen: dict[str, None] = {}
        for f in self.files:
            for p in f.parts:
                seen[p.requirement] = None
        return list(seen)


class FileState(Enum):
    """Verification outcome of one file (or, worst-of, one model)."""

    OK = "ok"
    MISSING = "missing"
    CORRUPT = "corrupt"


@dataclass(frozen=True)
class FileStatus:
    """What verification found for one file."""

    file: ModelFile
    path: Path
    state: FileState
    detail: str = ""


def manifest_path() -> Path:
    """The manifest shipped with the package (a link to the repository's models/manifest.toml)."""
    return Path(str(resources.files("voicecli") / "manifest.toml"))


def load_manifest(path: Path | None = None) -> dict[str, Model]:
    """Parse the manifest into models keyed by id, in manifest order."""
    path = path or manifest_path()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    models: dict[str, Model] = {}
    for raw in data.get("model", []):
        files = tuple(
            ModelFile(
                name=f["name"],
                parts=tuple(Part.parse(p) for p in f["parts"]),
                size=int(f["size"]),
                sha256=f["sha256"].lower(),
            )
            for f in raw["file"]
        )
        models[raw["id"]] = Model(
            id=raw["id"],
            role=raw["role"],
            default=bool(raw.get("default", False)),
            entry=raw["entry"],
            description=raw.get("description", ""),
            licence=raw.get("licence", ""),
            files=files,
        )
    return models


def sha256_file(path: Path, progress: Callable[[int], None] | None = None) -> str:
    """sha256 of a file, reading 1 MiB blocks; `progress` is called with each block's size."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
            if progress is not None:
                progress(len(block))
    return digest.hexdigest()


def _stamp(stat: os.stat_result, sha256: str) -> dict[str, object]:
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": sha256}


class ModelStore:
    """Models on disk under one root folder."""

    def __init__(self, root: Path, manifest: dict[str, Model] | None = None) -> None:
        self.root = root
        self.models = manifest if manifest is not None else load_manifest()

    def model(self, model_id: str) -> Model:
        try:
            return self.models[model_id]
        except KeyError:
            known = ", ".join(self.models)
            raise VoicecliError(
                f"unknown model '{model_id}'; known models: {known} (see `voicecli models list`)"
            ) from None

    def model_dir(self, model: Model) -> Path:
        return self.root / model.id

    def entry_path(self, model: Model) -> Path:
        return (self.model_dir(model) / model.entry).resolve()

    def check(
        self,
        model: Model,
        rehash: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> list[FileStatus]:
        """Status of each file. `rehash=False` trusts a stamp whose size and mtime still match."""
        stamps = self._read_stamps(model)
        statuses = []
        for f in model.files:
            path = self.model_dir(model) / f.name
            statuses.append(self._check_file(f, path, stamps, rehash, progress))
        self._write_stamps(model, stamps)
        return statuses

    def _check_file(
        self,
        f: ModelFile,
        path: Path,
        stamps: dict[str, dict[str, object]],
        rehash: bool,
        progress: Callable[[int], None] | None,
    ) -> FileStatus:
        if not path.is_file():
            stamps.pop(f.name, None)
            return FileStatus(f, path, FileState.MISSING, "missing")
        stat = path.stat()
        if stat.st_size != f.size:
            stamps.pop(f.name, None)
            detail = f"corrupt (size {stat.st_size} != {f.size})"
            return FileStatus(f, path, FileState.CORRUPT, detail)
        stamp = stamps.get(f.name)
        fresh = stamp == _stamp(stat, f.sha256)
        if fresh and not rehash:
            if progress is not None:
                progress(f.size)
            return FileStatus(f, path, FileState.OK, "ok")
        actual = sha256_file(path, progress)
        if actual != f.sha256:
            stamps.pop(f.name, None)
            return FileStatus(f, path, FileState.CORRUPT, "corrupt (sha256 mismatch)")
        stamps[f.name] = _stamp(stat, actual)
        return FileStatus(f, path, FileState.OK, "ok")

    def mark_verified(self, model: Model, file: ModelFile) -> None:
        """Remember that `file` was just written with its manifest sha256."""
        stat = (self.model_dir(model) / file.name).stat()
        stamps = self._read_stamps(model)
        stamps[file.name] = _stamp(stat, file.sha256)
        self._write_stamps(model, stamps)

    def _stamp_path(self, model: Model) -> Path:
        return self.model_dir(model) / STAMP_NAME

    def _read_stamps(self, model: Model) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self._stamp_path(model).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_stamps(self, model: Model, stamps: dict[str, dict[str, object]]) -> None:
        """Remember verified hashes, when the store can be written: the stamp only saves time,
        so a read-only store (shared, mounted) works without it and re-hashes instead."""
        if not self.model_dir(model).is_dir():
            return
        if stamps == self._read_stamps(model):
            return
        tmp = self._stamp_path(model).with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(stamps, indent=1), encoding="utf-8")
            tmp.replace(self._stamp_path(model))
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

    def require(self, model_id: str) -> Path:
        """Path a command loads for this model, or one line naming the model and the fix."""
        model = self.model(model_id)
        for status in self.check(model, rehash=False):
            if status.state is not FileState.OK:
                flag = "" if model.default else " --all"
                raise ModelMissingError(
                    f"model '{model.id}' ({model.role}) is {status.detail}: {status.path}; "
                    f"run `voicecli models install{flag}`"
                )
        return self.entry_path(model)


def worst_state(statuses: list[FileStatus]) -> FileState:
    """A model's state: missing if any file is missing, else corrupt if any is, else ok."""
    states = {s.state for s in statuses}
    for state in (FileState.MISSING, FileState.CORRUPT):
        if state in states:
            return state
    return FileState.OK
