"""The order store: SQLite, shipped with sample orders; bench scenarios seed their own rows.

It also holds the store's knowledge base (table `knowledge`: topic, keywords as a JSON list,
text) — the answers to questions about returns, shipping, hours, contact and payment. The
sample rows are added where missing, so edited rows survive; `voicecli` reads them at start.

Rows are free-form beyond `id` (status, eta, carrier, tracking…). The bench's backend that is
slow or fails on purpose is voicecli/sim/backend.py.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from voicecli.policy.knowledge import KnowledgeRow

SAMPLE = "sample_orders.json"
SAMPLE_KNOWLEDGE = "sample_knowledge.json"


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
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS knowledge (topic TEXT PRIMARY KEY, keywords TEXT, "
                "text TEXT)"
            )

    @classmethod
    def with_sample(cls, path: Path | str = ":memory:") -> OrderStore:
        """A store holding the shipped sample orders (added only where missing)."""
        store = cls(path)
        sample = json.loads((resources.files("voicecli.tools") / SAMPLE).read_text())
        store.seed(sample, replace=False)
        rows = json.loads((resources.files("voicecli.tools") / SAMPLE_KNOWLEDGE).read_text())
        store.seed_knowledge(
            [KnowledgeRow(r["topic"], tuple(r["keywords"]), r["text"]) for r in rows],
            replace=False,
        )
        return store

    def seed_knowledge(self, rows: Iterable[KnowledgeRow], replace: bool = True) -> None:
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        with self._lock, self._db:
            for row in rows:
                self._db.execute(
                    f"{verb} INTO knowledge (topic, keywords, text) VALUES (?, ?, ?)",
                    (row.topic, json.dumps(list(row.keywords)), row.text),
                )

    def knowledge(self) -> tuple[KnowledgeRow, ...]:
        """The knowledge base's rows, by topic."""
        with self._lock:
            found = list(
                self._db.execute("SELECT topic, keywords, text FROM knowledge ORDER BY topic")
            )
        return tuple(KnowledgeRow(t, tuple(json.loads(k)), x) for t, k, x in found)

    def order_ids(self) -> frozenset[str]:
        with self._lock:
            return frozenset(r[0] for r in self._db.execute("SELECT id FROM orders"))

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
