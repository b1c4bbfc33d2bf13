"""The vector store seam: what retrieval asks of the index's vectors, and the FAISS store that builds use.

FAISS indexes satisfy `VectorStore` as they are; `rag.index.milvus.MilvusVectors` implements it over a
Milvus collection. Row i of a store is chunk i of its index.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

# Below this many chunks FAISS searches exactly (p95 18.6 ms at 100k on one thread); above, HNSW
# (efSearch 256: recall@10 0.97 at 100k). See eval/BENCHMARKS.md.
EXACT_SEARCH_LIMIT = 200_000


@runtime_checkable
class VectorStore(Protocol):
    """Inner-product search over normalised chunk vectors."""

    d: int  # the vectors' dimension

    @property
    def ntotal(self) -> int:
        """How many vectors (chunk rows) the store holds."""

    def search(self, matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores float32 (nq, k), rows int64 (nq, k)), best first, padded with -FLT_MAX / -1."""


def faiss_module():
    """faiss, imported on first use: `import rag` must not load it."""
    import faiss

    return faiss


def make_vector_index(vectors: np.ndarray) -> VectorStore:
    """A FAISS store holding `vectors`: exact below EXACT_SEARCH_LIMIT rows, HNSW above."""
    faiss = faiss_module()
    dim = vectors.shape[1]
    if len(vectors) < EXACT_SEARCH_LIMIT:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 256
    index.add(vectors)
    return index


class HalfPrecisionRows:
    """The answer units' vectors as saved (float16, units.npy), memory-mapped and read as float32 only for
    the rows asked for. Converting all of them at load took 0.6 s of CPU of a cold start at 5,000
    articles (90k units) and 138 MB of heap per process; the map costs neither, and processes share it."""

    dtype = np.dtype(np.float32)

    def __init__(self, rows: np.ndarray) -> None:
        self._rows = rows

    @property
    def shape(self) -> tuple[int, ...]:
        return self._rows.shape

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, key) -> np.ndarray:
        return np.asarray(self._rows[key], dtype=np.float32)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return np.asarray(self._rows, dtype=dtype or np.float32)

    def astype(self, dtype) -> np.ndarray:
        return np.asarray(self._rows, dtype=dtype)

    def __matmul__(self, other) -> np.ndarray:
        return np.asarray(self) @ other
