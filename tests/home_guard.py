"""A lived-in home for the test command: a large, healthy embedding cache where a user's would be, and a
digest to show the suite left it byte-for-byte unchanged (test.sh runs both; tests use `seed_cache` too).

    python tests/home_guard.py seed HOME_DIR [MEGABYTES]   # HOME_DIR/.cache/vn-news-rag/embeddings.sqlite
    python tests/home_guard.py digest HOME_DIR             # sha256 over every file (and name) under HOME_DIR
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np

ROW_BYTES = 384 * 4 + 64 + 40  # one e5-sized vector, its key and sqlite's overhead


class RandomEmbedder:
    """e5-sized random unit vectors under a spec no real embedder has: cache entries no build looks up."""

    spec = "seed:random-384"
    dim = 384

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        vectors = np.random.default_rng(len(texts)).standard_normal((len(texts), self.dim)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def seed_cache(folder: Path, megabytes: int = 20) -> Path:
    """A healthy cache of at least `megabytes` MB in `folder`, written by the product's own EmbeddingCache."""
    from rag.embed.cache import EmbeddingCache

    path = Path(folder) / "embeddings.sqlite"
    cache = EmbeddingCache(path)
    rows = megabytes * 1_000_000 // ROW_BYTES + 1
    cache.embed_passages(RandomEmbedder(), [f"seeded passage {i}" for i in range(rows)])
    cache.close()
    if cache.problem or path.stat().st_size < megabytes * 1_000_000:
        raise SystemExit(f"could not seed {path}: {cache.problem or path.stat().st_size} bytes")
    return path


def digest(folder: Path) -> str:
    """sha256 over the relative name and bytes of every file under `folder`, in name order."""
    total = hashlib.sha256()
    for file in sorted(p for p in Path(folder).rglob("*") if p.is_file() or p.is_symlink()):
        total.update(str(file.relative_to(folder)).encode() + b"\0")
        total.update(hashlib.sha256(file.read_bytes()).digest() if file.is_file() else b"link")
    return total.hexdigest()


def main(argv: list[str]) -> int:
    command, home = argv[0], Path(argv[1])
    if command == "seed":
        path = seed_cache(home / ".cache" / "vn-news-rag", int(argv[2]) if len(argv) > 2 else 20)
        print(f"seeded {path} ({path.stat().st_size / 1e6:.1f} MB)")
    else:
        print(digest(home))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
