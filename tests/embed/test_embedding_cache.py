"""Embeddings cached by content: a rebuild over the same text embeds nothing, new text is embedded once."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embed.cache import EmbeddingCache
from rag.errors import BackendError


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


def test_unreadable_cache_is_a_clear_error(tmp_path):
    bad = tmp_path / "cache.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(BackendError, match="delete it, or build with --no-cache"):
        EmbeddingCache(bad).embed_passages(CountingEmbedder(), ["x"])
