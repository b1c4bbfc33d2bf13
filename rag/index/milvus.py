"""Milvus as a scale-out vector backend: a drop-in for the FAISS index in `Index.vectors`.

`MilvusVectors` implements `rag.index.vectors.VectorStore` (`search(matrix, k) -> (scores, rows)` with
inner-product scores and int64 chunk rows, `ntotal`, `d`), so an index can be switched over
with `dataclasses.replace(index, vectors=MilvusVectors.from_index(index, uri, "news"))`. It also offers
`search_filtered`, which runs the place/year constraints inside the engine as Milvus filter
expressions instead of in Python after retrieval.

Where the vectors live is set by `uri`:

* a local file path ending in ``.db`` (e.g. ``index/seeds/vectors.milvus.db``): milvus-lite, embedded in
  this process, no server. Good for tests and single machines; the API is the same as a cluster's.
* ``http://host:19530`` (or ``https://...``): a Milvus standalone server or distributed cluster (the
  Helm chart / Milvus Operator on Kubernetes, or Zilliz Cloud). Pass ``token="user:password"`` (or an
  API key) when authentication is on. Several processes can then share one collection, and Milvus
  shards and replicates it (``index_type="HNSW"`` is the sensible choice above a few hundred thousand
  chunks, as it is for FAISS; see `rag.index.vectors.EXACT_SEARCH_LIMIT`).

Row ids in the collection are the chunk rows of the index (`Index.chunks[row]`), so chunks.jsonl,
articles.jsonl and units stay in the index folder as before. The keyword (BM25) side is not moved: it
stays in the bm25s files beside it (`Index.lexical`). On a Milvus 2.5+ cluster the built-in BM25
function (a SPARSE_FLOAT_VECTOR field fed by an analyzer-enabled VARCHAR) could hold it too, but its
tokeniser would then differ from `rag.text.vietnamese.keyword_tokens` (accented syllables),
so rankings would change; that is a separate, evaluated migration.

Needs the optional extra: ``pip install 'vn-news-rag[milvus]'`` (pymilvus, milvus-lite).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pathlib import Path

import numpy as np

from rag.errors import BackendError
from rag.index.constraints import filter_years, place_keys
from rag.index.vectors import VectorStore

INSTALL_HINT = "pip install 'vn-news-rag[milvus]'  (pymilvus and milvus-lite)"
VECTOR_FIELD = "vector"
MAX_PLACE_KEYS = 16
MAX_YEARS = 1024
MAX_KEY_LENGTH = 256
INSERT_BATCH = 2000
# Sentinel FAISS uses for "no result" slots: row -1, score -FLT_MAX.
_EMPTY_SCORE = np.finfo(np.float32).min


def _pymilvus():
    try:
        import pymilvus
    except ImportError as exc:
        raise BackendError(f"the Milvus vector backend needs pymilvus: {INSTALL_HINT}") from exc
    return pymilvus


def _is_local(uri: str) -> bool:
    return not uri.startswith(("http://", "https://", "tcp://", "grpc://", "unix:"))


def _client(uri: str, token: str | None = None):
    pymilvus = _pymilvus()
    if _is_local(uri):
        try:
            import milvus_lite  # noqa: F401
        except ImportError as exc:
            raise BackendError(f"a local Milvus file ({uri}) needs milvus-lite: {INSTALL_HINT}; "
                               "or point the uri at a server, e.g. http://localhost:19530") from exc
        if not uri.endswith(".db"):
            raise BackendError(f"milvus-lite wants a file name ending in .db, not {uri!r}")
        Path(uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        return pymilvus.MilvusClient(uri=uri, token=token or "")
    except Exception as exc:  # pymilvus raises MilvusException, grpc errors, OSError...
        raise BackendError(f"could not connect to Milvus at {uri}: {str(exc)[:300]}") from exc


@dataclass(frozen=True)
class ChunkMeta:
    """What the filters need about one vector row: its chunk row, article and the article's folded
    place keys (district, province) and years (reported on or mentioned; empty = undated)."""

    row: int
    article_id: str
    place_keys: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


def chunk_metadata(index) -> list[ChunkMeta]:
    """One ChunkMeta per chunk row of a `rag.index.store.Index`, with the same place keys and years that
    `HybridRetriever.satisfies` uses."""
    per_article = {a.id: (tuple(sorted(place_keys(a.place))), tuple(sorted(filter_years(a))))
                   for a in index.articles.values()}
    return [ChunkMeta(row, c.article_id, *per_article.get(c.article_id, ((), ())))
            for row, c in enumerate(index.chunks)]


def _literal_list(values: Iterable) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def filter_expression(place_keys: Sequence[str] | None = None, years: Sequence[int] | None = None) -> str:
    """Milvus boolean expression for the retriever's constraints: the article has one of the place keys,
    and it mentions one of the years or has no year at all (as `HybridRetriever.satisfies`)."""
    parts = []
    if place_keys:
        parts.append(f"array_contains_any(place_keys, {_literal_list(place_keys)})")
    if years:
        parts.append(f"(array_length(years) == 0 or array_contains_any(years, {_literal_list(int(y) for y in years)}))")
    return " and ".join(parts)


class MilvusVectors(VectorStore):
    """A Milvus collection of normalised chunk vectors, searchable like a faiss inner-product index."""

    def __init__(self, uri: str, collection: str, token: str | None = None, ef: int = 256) -> None:
        """Open an existing collection (built by `build` or `from_index`)."""
        self.uri = uri
        self.collection = collection
        self.ef = ef
        self._client = _client(uri, token)
        if not self._client.has_collection(collection):
            raise BackendError(f"Milvus at {uri} has no collection {collection!r}; create it with "
                               "MilvusVectors.from_index(index, uri, collection)")
        self._client.load_collection(collection)
        described = self._client.describe_collection(collection)
        field = next(f for f in described["fields"] if f["name"] == VECTOR_FIELD)
        self.d = int(field["params"]["dim"])
        self.metric, self.index_type = self._index_info()

    # ------------------------------------------------------------------ building

    @classmethod
    def build(cls, vectors: np.ndarray, metadata: Sequence[ChunkMeta], uri: str, collection: str, *,
              token: str | None = None, index_type: str = "FLAT", metric: str = "IP",
              overwrite: bool = True, hnsw_m: int = 32, hnsw_ef_construction: int = 200,
              ef: int = 256) -> MilvusVectors:
        """Create `collection` (dropping an old one when `overwrite`) and insert `vectors[i]` with
        `metadata[i]`. Vectors should be L2-normalised, so IP and COSINE give the same scores."""
        pymilvus = _pymilvus()
        DataType = pymilvus.DataType
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(metadata):
            raise ValueError(f"need one metadata row per vector: {vectors.shape} vectors, {len(metadata)} rows")
        index_type, metric = index_type.upper(), metric.upper()
        if index_type not in ("FLAT", "HNSW") or metric not in ("IP", "COSINE"):
            raise ValueError(f"index_type must be FLAT or HNSW and metric IP or COSINE, not {index_type}/{metric}")
        for meta in metadata:
            if len(meta.years) > MAX_YEARS or len(meta.place_keys) > MAX_PLACE_KEYS:
                raise ValueError(f"row {meta.row} ({meta.article_id}) has more years or place keys than fit")
        client = _client(uri, token)
        try:
            if client.has_collection(collection):
                if not overwrite:
                    raise BackendError(f"Milvus collection {collection!r} already exists at {uri}")
                client.drop_collection(collection)
            schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field("row", DataType.INT64, is_primary=True)
            schema.add_field(VECTOR_FIELD, DataType.FLOAT_VECTOR, dim=int(vectors.shape[1]))
            schema.add_field("article_id", DataType.VARCHAR, max_length=MAX_KEY_LENGTH)
            schema.add_field("place_keys", DataType.ARRAY, element_type=DataType.VARCHAR,
                             max_capacity=MAX_PLACE_KEYS, max_length=MAX_KEY_LENGTH)
            schema.add_field("years", DataType.ARRAY, element_type=DataType.INT64, max_capacity=MAX_YEARS)
            params = client.prepare_index_params()
            extra = {"M": hnsw_m, "efConstruction": hnsw_ef_construction} if index_type == "HNSW" else {}
            params.add_index(VECTOR_FIELD, index_type=index_type, metric_type=metric, params=extra)
            client.create_collection(collection, schema=schema, index_params=params,
                                     consistency_level="Strong")
            for start in range(0, len(vectors), INSERT_BATCH):
                client.insert(collection, [
                    {"row": int(m.row), VECTOR_FIELD: v.tolist(), "article_id": m.article_id,
                     "place_keys": list(m.place_keys), "years": [int(y) for y in m.years]}
                    for v, m in zip(vectors[start:start + INSERT_BATCH], metadata[start:start + INSERT_BATCH])
                ])
            client.flush(collection)
            client.load_collection(collection)
        except BackendError:
            raise
        except Exception as exc:
            raise BackendError(f"could not build Milvus collection {collection!r} at {uri}: {str(exc)[:300]}") from exc
        finally:
            client.close()
        return cls(uri, collection, token=token, ef=ef)

    @classmethod
    def from_index(cls, index, uri: str, collection: str, **options) -> MilvusVectors:
        """Copy a `rag.index.store.Index`'s FAISS vectors (row i = chunk i) and chunk metadata into Milvus."""
        faiss_index = index.vectors
        total = int(faiss_index.ntotal)
        try:
            vectors = faiss_index.reconstruct_n(0, total) if total else np.zeros((0, faiss_index.d), np.float32)
        except RuntimeError as exc:
            raise BackendError(f"this FAISS index cannot give its vectors back ({exc}); rebuild the index "
                               "with a flat or HNSW-flat vector index") from exc
        metadata = chunk_metadata(index)
        if len(metadata) != total:
            raise BackendError(f"the index has {len(metadata)} chunks but {total} vectors; rebuild it")
        return cls.build(vectors, metadata, uri, collection, **options)

    # ------------------------------------------------------------------ searching

    def _index_info(self) -> tuple[str, str]:
        try:
            info = self._client.describe_index(self.collection, VECTOR_FIELD)
        except Exception:  # an older server without describe_index: assume what `build` creates
            return "IP", "FLAT"
        return str(info.get("metric_type", "IP")).upper(), str(info.get("index_type", "FLAT")).upper()

    @property
    def ntotal(self) -> int:
        stats = self._client.get_collection_stats(self.collection)
        return int(stats.get("row_count", 0))

    def search(self, matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k rows by inner product, shaped like faiss: (scores float32 (nq,k), rows int64 (nq,k)),
        padded with -FLT_MAX / -1 when fewer than k rows exist."""
        return self.search_filtered(matrix, k)

    def search_filtered(self, matrix: np.ndarray, k: int, place_keys: Sequence[str] | None = None,
                        years: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """`search` restricted, inside Milvus, to chunks of articles with one of `place_keys` (folded
        district/province names, e.g. "thap muoi") and mentioning one of `years` (undated articles pass
        the year filter, as in `HybridRetriever.satisfies`)."""
        matrix = np.asarray(matrix, dtype=np.float32)
        if matrix.ndim == 1:
            matrix = matrix.reshape(1, -1)
        nq = len(matrix)
        scores = np.full((nq, k), _EMPTY_SCORE, dtype=np.float32)
        rows = np.full((nq, k), -1, dtype=np.int64)
        if k <= 0 or nq == 0:
            return scores, rows
        search_params = {"metric_type": self.metric,
                         "params": {"ef": max(self.ef, k)} if self.index_type == "HNSW" else {}}
        try:
            results = self._client.search(
                self.collection, data=matrix.tolist(), anns_field=VECTOR_FIELD, limit=k,
                filter=filter_expression(place_keys, years), output_fields=["row"],
                search_params=search_params,
            )
        except Exception as exc:
            raise BackendError(f"Milvus search in {self.collection!r} at {self.uri} failed: {str(exc)[:300]}") from exc
        for q, hits in enumerate(results):
            for j, hit in enumerate(list(hits)[:k]):
                rows[q, j] = int(hit["row"])
                scores[q, j] = float(hit["distance"])
        return scores, rows

    def close(self) -> None:
        self._client.close()


def attach_milvus(index, uri: str) -> "MilvusVectors":
    """The Milvus collection serving `index`'s vectors, created from the index on first use.

    The collection is named after the index's corpus hash, so a rebuilt index gets a fresh collection and
    never searches stale vectors."""
    collection = f"rag_{index.manifest['corpus_hash'][:16]}_{index.manifest['counts']['chunks']}"
    try:
        return MilvusVectors(uri, collection)
    except BackendError:
        return MilvusVectors.from_index(index, uri, collection)
