"""Growing a built index's real e5 vectors to a million rows without making recall meaningless.

Copies with small noise put ~n/real near-duplicates around every real vector: a query's top 10 are then
mostly the copies of one row, and recall@10 measures whether the index finds that tight cluster, not how it
ranks distinct passages. Here each new row is a convex mixture of a real vector and one of its nearest real
neighbours, normalised: `normalize(l * x_i + (1 - l) * x_j)`, j among the `k` nearest real rows of i, l drawn
from [0.25, 0.75]. The new rows lie between real passages on the data's own neighbourhood structure (so
the intrinsic dimension and the topical clusters of real news stay), and none sits on top of a real row.
`neighbour_cosines` reports how close rows are to their nearest neighbour, real vs grown, to check it.
Measured on the 5,000-article archive (eval/BENCHMARKS.md §5): mixtures are easier for IVF than real rows
(they fall in their neighbours' lists), so recall on grown data is optimistic; compare with the real rows
alone (`--sizes` at most the real count).

Queries are real rows held out of both the database and the mixtures.
"""

from __future__ import annotations

import numpy as np


def real_neighbours(real: np.ndarray, k: int) -> np.ndarray:
    """The k nearest real rows of every real row (itself excluded). Exact below 20,000 rows; above, an
    IVF search (nprobe 32) finds them in seconds instead of minutes, and a near-neighbour is as good a
    mixing partner as the nearest."""
    import faiss

    if len(real) <= 20_000:
        index = faiss.IndexFlatIP(real.shape[1])
    else:
        nlist = int(4 * np.sqrt(len(real)))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(real.shape[1]), real.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(real)
        index.nprobe = 32
    index.add(real)
    rows = np.empty((len(real), k), dtype=np.int64)
    for a in range(0, len(real), 20_000):  # bounded score matrices
        _, found = index.search(real[a : a + 20_000], k + 1)
        for i, line in enumerate(found):
            others = [r for r in line if r != a + i and r >= 0][:k]
            rows[a + i] = others + [others[0]] * (k - len(others))
    return rows


def grown(real: np.ndarray, n: int, k: int = 10, seed: int = 0) -> np.ndarray:
    """n unit vectors: every real row once (rows 0..len(real)-1), then convex mixtures of a real row and
    one of its k nearest real rows up to n."""
    rng = np.random.default_rng(seed)
    if n <= len(real):
        return real[rng.permutation(len(real))[:n]]
    neighbours = real_neighbours(real, k)
    out = np.empty((n, real.shape[1]), np.float32)
    out[: len(real)] = real
    for a in range(len(real), n, 100_000):
        b = min(n, a + 100_000)
        base = rng.integers(0, len(real), b - a)
        other = neighbours[base, rng.integers(0, k, b - a)]
        weight = rng.uniform(0.25, 0.75, (b - a, 1)).astype(np.float32)
        x = weight * real[base] + (1 - weight) * real[other]
        out[a:b] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def split_real(real: np.ndarray, queries: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(database rows, query rows): the queries are real rows that neither the database nor any mixture
    holds."""
    order = np.random.default_rng(seed + 1).permutation(len(real))
    return real[order[queries:]], real[order[:queries]]


def neighbour_cosines(database: np.ndarray, real_rows: int, sample: int = 1000, seed: int = 0) -> dict:
    """Mean cosine of a row to its nearest other row: among the real rows alone, and in the grown database
    (a sample of rows each). Near-duplicate copies would push the second towards 1."""
    import faiss

    rng = np.random.default_rng(seed)

    def nearest(pool: np.ndarray) -> float:
        index = faiss.IndexFlatIP(pool.shape[1])
        index.add(pool)
        picked = pool[rng.choice(len(pool), min(sample, len(pool)), replace=False)]
        scores, _ = index.search(picked, 2)
        return round(float(scores[:, 1].mean()), 4)  # [:, 0] is the row itself

    real = database[: real_rows]
    return {"real_top1_cos": nearest(real), "grown_top1_cos": nearest(database)}


def question_vectors(index_dir, questions) -> np.ndarray:
    """The query vectors of a question set's questions, embedded by the embedder `rag ask` uses on that
    index (its manifest's), as unit rows."""
    from pathlib import Path

    from rag.embed.registry import make_embedder, query_embedder_for
    from rag.index.store import read_manifest
    from rag.ingest.jsonl import read_jsonl

    spec = read_manifest(index_dir)["embedder"]["spec"]
    embedder = make_embedder(query_embedder_for(spec))
    rows = [embedder.embed_query(row["question"]) for row in read_jsonl(Path(questions), "question set")]
    x = np.vstack(rows).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)
