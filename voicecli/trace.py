"""The session trace: every event as one JSON line, flushed as it happens."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import IO, Any

from voicecli.events import Event


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


class TraceWriter:
    """Appends events to a JSONL file; each line is flushed so a crash loses nothing written."""

    def __init__(self, path: Path, fresh: bool = False, exclusive: bool = False) -> None:
        """Append to `path`, start it anew with `fresh`, or only create it with `exclusive`
        (FileExistsError if it is there: a session log is never shared)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        mode = "x" if exclusive else "w" if fresh else "a"
        self._file: IO[str] = path.open(mode, encoding="utf-8")

    def write(self, event: Event, t0: float = 0.0, tags: dict[str, Any] | None = None) -> None:
        """One event; `t` is seconds since `t0`; `tags` (e.g. the bench run) go first."""
        record = {**(tags or {}), **_clean(event.to_dict())}
        record["t"] = round(event.t - t0, 6)
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()

    def write_record(
        self, kind: str, data: dict[str, Any], tags: dict[str, Any] | None = None
    ) -> None:
        """A line that is not an event (e.g. the bench's per-turn measurements, under `data`)."""
        record = {**(tags or {}), "kind": kind, "data": _clean(data)}
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()
