"""The index on disk: store (build, save, load, verify), updates (add, remove), BM25, the writer lock, Milvus."""
