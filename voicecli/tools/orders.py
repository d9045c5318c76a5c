"""The order store: SQLite, shipped with sample orders; bench scenarios seed their own rows.

Rows are free-form beyond `id` (status, eta, carrier, tracking…). Two optional columns make a
row misbehave on purpose, for the bench: `delay_s` (the lookup takes that long, a slow backend)
and `fail` ("true": the lookup errors).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

SAMPLE = "sample_orders.json"


class OrderStore:
    """Orders by id, as dicts of strings; safe to use from any thread."""

    def __init__(self, path: Path | str = ":memory:") -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, row TEXT)")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS actions (at REAL DEFAULT (julianday('now')), "
                "tool TEXT, order_id TEXT)"
            )

    @classmethod
    def with_sample(cls, path: Path | str = ":memory:") -> OrderStore:
        """A store holding the shipped sample orders (added only where missing)."""
        store = cls(path)
        sample = json.loads((resources.files("voicecli.tools") / SAMPLE).read_text())
        store.seed(sample, replace=False)
        return store

    def seed(self, rows: Iterable[dict[str, str]], replace: bool = True) -> None:
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        with self._lock, self._db:
            for row in rows:
                self._db.execute(
                    f"{verb} INTO orders (id, row) VALUES (?, ?)", (str(row["id"]), json.dumps(row))
                )

    def get(self, order_id: str) -> dict[str, str] | None:
        with self._lock:
            found = self._db.execute("SELECT row FROM orders WHERE id = ?", (order_id,)).fetchone()
        return json.loads(found[0]) if found else None

    def update(self, order_id: str, **fields: str) -> None:
        row = self.get(order_id)
        if row is None:
            return
        row.update(fields)
        self.seed([row])

    def record_action(self, tool: str, order_id: str) -> None:
        """A side effect happened (kept so tests and people can see what was done)."""
        with self._lock, self._db:
            self._db.execute("INSERT INTO actions (tool, order_id) VALUES (?, ?)", (tool, order_id))

    def actions(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._db.execute("SELECT tool, order_id FROM actions ORDER BY rowid"))
