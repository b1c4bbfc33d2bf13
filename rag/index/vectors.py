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
