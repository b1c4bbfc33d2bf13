"""Embeddings cached by content: a rebuild over the same text embeds nothing, new text is embedded once."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from rag import disk
from rag.embed import cache_faults
from rag.embed.cache import EmbeddingCache
from rag.embed.cache_faults import READ, WRITE

from conftest import file_size_limit


class CountingEmbedder:
    spec = "counting"
    dim = 4

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_passages(self, texts, progress=False):
        self.embedded += texts
        return np.array([[len(t), t.count("a"), 1.0, 0.0] for t in texts], dtype=np.float32)


def test_cached_texts_are_not_embedded_again(tmp_path):
    embedder = CountingEmbedder()
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    first = cache.embed_passages(embedder, ["an", "bà", "cá"])
    assert embedder.embedded == ["an", "bà", "cá"] and (cache.hits, cache.misses) == (0, 3)
    again = EmbeddingCache(tmp_path / "cache.sqlite").embed_passages(embedder, ["cá", "an", "mới"])
    assert embedder.embedded[3:] == ["mới"]  # only the new text
    assert np.array_equal(again[0], first[2]) and np.array_equal(again[1], first[0])


def test_cli_rebuild_reuses_every_embedding(tmp_path):
    import os
    import subprocess
    import sys

    from conftest import ARTICLES_DIR

    source = tmp_path / "src"
    source.mkdir()
    (source / "myloc_2021.txt").write_bytes((ARTICLES_DIR / "myloc_2021.txt").read_bytes())
    env = {**os.environ, "RAG_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "rag.cli", "index", "build", "--source", str(source),
               "--index", str(tmp_path / "idx"), "--quiet"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "reused 0 from the cache" in first.stderr
    assert "embedded 0 passages" in second.stderr


def test_a_damaged_cache_is_named_and_only_costs_the_caching(tmp_path):
    bad = tmp_path / "cache.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    cache = EmbeddingCache(bad)
    vectors = cache.embed_passages(CountingEmbedder(), ["x", "ya"])
    assert vectors.shape == (2, 4) and cache.misses == 2
    assert cache.problem.startswith(f"the embedding cache {bad} could not be opened: the file is damaged")
    assert f"Fix: delete {bad}" in cache.problem


def _filled(path, rows: int = 2000):
    cache = EmbeddingCache(path)
    cache.embed_passages(CountingEmbedder(), [f"văn bản {i}" for i in range(rows)])
    cache.close()
    return path


def test_each_sqlite_failure_gets_its_own_cause(tmp_path):
    """Real errors from sqlite, classified: a lock, a read-only file, a size limit (sqlite's 'disk I/O
    error'), a damaged file. Only the last is called damaged."""
    path = _filled(tmp_path / "cache.sqlite")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(sqlite3.OperationalError) as locked:
            sqlite3.connect(path, timeout=0.1).execute("SELECT count(*) FROM vectors").fetchone()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert cache_faults.explain(READ, locked.value, path).kind == cache_faults.LOCKED

    with pytest.raises(sqlite3.OperationalError) as read_only:
        sqlite3.connect(f"file:{path}?mode=ro", uri=True).execute("DELETE FROM vectors")
    assert cache_faults.explain(WRITE, read_only.value, path).kind == disk.READ_ONLY

    db = sqlite3.connect(path)
    with file_size_limit(path.stat().st_size + 100_000):  # the write would grow the file past the limit
        with pytest.raises(sqlite3.OperationalError) as limited:
            db.executemany("INSERT INTO vectors VALUES (?, ?)", [(f"k{i}", b"\0" * 1500) for i in range(400)])
            db.commit()
        db.rollback()
        problem = cache_faults.explain(WRITE, limited.value, path)
    db.close()
    assert str(limited.value) == "disk I/O error"  # the words that used to be taken for damage
    assert not (tmp_path / "cache.sqlite-journal").exists()  # a file under the limit rolls back
    assert problem.kind == disk.SIZE_LIMIT and "damaged" not in problem.message and "delete" not in problem.message
    assert cache_faults.quick_check(path) is True

    path.write_bytes(path.read_bytes()[:8192] + b"\xff" * 8192 + path.read_bytes()[16384:])
    damaged = EmbeddingCache(path)
    damaged.embed_passages(CountingEmbedder(), [f"văn bản {i}" for i in range(2000)])
    assert damaged.fault.kind == cache_faults.DAMAGED and cache_faults.quick_check(path) is False


def test_a_write_the_size_limit_would_cut_off_is_not_started(tmp_path):
    path = _filled(tmp_path / "cache.sqlite")
    before = path.read_bytes()
    cache = EmbeddingCache(path)
    with file_size_limit(len(before) // 2):
        vectors = cache.embed_passages(CountingEmbedder(), ["văn bản 1", "mới"])
    assert (cache.hits, cache.misses) == (1, 1) and vectors[1][0] == len("mới")  # read, embedded, not stored
    assert cache.fault.kind == disk.SIZE_LIMIT and "ulimit -f" in cache.problem
    cache.close()
    assert path.read_bytes() == before and not (tmp_path / "cache.sqlite-journal").exists()
