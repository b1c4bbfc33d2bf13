"""The vector store seam: FAISS indexes (and Milvus, tests/retrieve/test_milvus.py) satisfy VectorStore."""

import numpy as np

from rag.index.vectors import VectorStore, make_vector_index


def test_a_faiss_index_is_a_vector_store_with_rows_in_order():
    vectors = np.eye(4, dtype=np.float32)
    store = make_vector_index(vectors)
    assert isinstance(store, VectorStore)
    assert store.ntotal == 4 and store.d == 4
    scores, rows = store.search(vectors[2:3], 2)
    assert rows[0, 0] == 2 and scores[0, 0] == 1.0
