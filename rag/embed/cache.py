"""Embeddings cached by content (sha256 of embedder spec + text) in SQLite, so rebuilding an index over an
unchanged or slightly changed corpus embeds only the new text.

The cache is an optimisation, never a reason to fail: when it cannot be opened, read or written (full disk,
file-size limit, read-only folder, another process's lock, a damaged file), the build goes on without it and
`problem` holds one line that names the cause and its fix (rag.embed.cache_faults).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from rag.embed import cache_faults
from rag.embed.cache_faults import OPEN, READ, WRITE, CacheProblem
from rag.embed.registry import Embedder

# Builds of different indexes may share the file: wait this long for another writer's commit, then go on
# without the cache rather than block the build.
LOCK_WAIT_SECONDS = 5.0


class EmbeddingCache:
    """One SQLite file shared by all indexes; a text embedded once by a spec is never embedded again by it."""

    def __init__(self, path: Path, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self.path = Path(path)
        self.hits = 0
        self.misses = 0
        self.fault: CacheProblem | None = None  # the first thing that stopped caching, if any
        self._db: sqlite3.Connection | None = None
        self._may_write = True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(self.path), timeout=lock_wait)
            try:
                db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
            except sqlite3.Error:
                db.close()
                raise
            self._db = db
        except (sqlite3.Error, OSError) as exc:
            self._stop(cache_faults.explain(OPEN, exc, self.path))

    @property
    def problem(self) -> str | None:
        """One line for the user when the cache was not (fully) used, else None."""
        return self.fault.message if self.fault else None

    def _stop(self, fault: CacheProblem, reads_too: bool = True) -> None:
        self.fault = self.fault or fault  # one warning: the first cause is the one that matters
        self._may_write = False
        if reads_too:
            self.close()

    @staticmethod
    def _key(spec: str, text: str) -> str:
        return hashlib.sha256(f"{spec}\0{text}".encode()).hexdigest()

    def _lookup(self, keys: list[str]) -> dict[str, bytes]:
        if self._db is None:
            return {}
        found: dict[str, bytes] = {}
        try:
            for start in range(0, len(keys), 500):  # SQLite caps the number of bound parameters
                batch = keys[start : start + 500]
                marks = ",".join("?" * len(batch))
                found.update(self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch))
        except sqlite3.Error as exc:
            self._stop(cache_faults.explain(READ, exc, self.path))
            return {}
        return found

    def _store(self, rows: list[tuple[str, bytes]]) -> None:
        if self._db is None or not self._may_write:
            return
        payload = sum(len(key) + len(vector) for key, vector in rows)
        cannot = cache_faults.room_problem(self.path, len(rows), payload)
        if cannot is not None:  # reading stays useful (e.g. a whole rebuild under a size limit)
            self._stop(cannot, reads_too=False)
            return
        try:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            self._db.commit()
        except sqlite3.Error as exc:
            try:
                self._db.rollback()
            except sqlite3.Error:
                pass
            self._stop(cache_faults.explain(WRITE, exc, self.path, payload))

    def embed_passages(self, embedder: Embedder, texts: list[str], progress: bool = False) -> np.ndarray:
        """Vectors for `texts` in order: cached ones read back, the rest embedded and stored."""
        keys = [self._key(embedder.spec, t) for t in texts]
        size = embedder.dim * 4  # a row of another length is not this spec's vector: embed it again
        found = {k: v for k, v in self._lookup(keys).items() if len(v) == size}
        missing = [i for i, k in enumerate(keys) if k not in found]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = embedder.embed_passages([texts[i] for i in missing], progress=progress)
            rows = [(keys[i], np.asarray(v, dtype=np.float32).tobytes()) for i, v in zip(missing, fresh)]
            found.update(rows)
            self._store(rows)
        out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = np.frombuffer(found[key], dtype=np.float32)
        return out

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None
