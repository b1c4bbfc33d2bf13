"""Embeddings cached by content (sha256 of embedder spec + text) in SQLite, so rebuilding an index over an
unchanged or slightly changed corpus embeds only the new text."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from rag.embed.registry import Embedder
from rag.errors import BackendError


class EmbeddingCache:
    """One SQLite file shared by all indexes; a text embedded once by a spec is never embedded again by it."""

    def __init__(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Builds of different indexes may share the file: wait for another writer rather than fail.
            self._db = sqlite3.connect(str(path), timeout=60)
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        except sqlite3.DatabaseError as exc:
            raise BackendError(f"the embedding cache {path} is unreadable ({exc}); delete it, or build with "
                               "--no-cache") from exc
        self.hits = 0
        self.misses = 0
        self.write_error: str | None = None  # the cache is an optimisation: a failed write only stops caching

    @staticmethod
    def _key(spec: str, text: str) -> str:
        return hashlib.sha256(f"{spec}\0{text}".encode()).hexdigest()

    def _lookup(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):  # SQLite caps the number of bound parameters
            batch = keys[start : start + 500]
            marks = ",".join("?" * len(batch))
            found.update(self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch))
        return found

    def embed_passages(self, embedder: Embedder, texts: list[str], progress: bool = False) -> np.ndarray:
        """Vectors for `texts` in order: cached ones read back, the rest embedded and stored."""
        keys = [self._key(embedder.spec, t) for t in texts]
        found = self._lookup(keys)
        missing = [i for i, k in enumerate(keys) if k not in found]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = embedder.embed_passages([texts[i] for i in missing], progress=progress)
            rows = [(keys[i], np.asarray(v, dtype=np.float32).tobytes()) for i, v in zip(missing, fresh)]
            found.update(rows)
            if self.write_error is None:
                try:
                    self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
                    self._db.commit()
                except sqlite3.DatabaseError as exc:  # disk full, size limit: the build itself can go on
                    self.write_error = str(exc)
                    self._db.rollback()
        out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = np.frombuffer(found[key], dtype=np.float32)
        return out

    def close(self) -> None:
        try:
            self._db.close()
        except sqlite3.DatabaseError:
            pass
