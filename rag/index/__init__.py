"""The index on disk: store (build, save, load, verify), updates (add, remove articles), the vector store
seam (FAISS; Milvus as an optional extra), BM25, the writer lock, the per-article constraint data."""

from rag import lazy_exports

_EXPORTS = {
    "Index": "store", "build_index": "store", "save_index": "store", "load_index": "store",
    "verify_index": "store", "read_manifest": "store", "add_articles": "update", "remove_articles": "update",
    "AddReport": "update", "VectorStore": "vectors", "make_vector_index": "vectors", "MilvusVectors": "milvus",
    "LexicalIndex": "lexical", "index_write_lock": "locking", "place_keys": "constraints",
    "filter_years": "constraints",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
