"""BM25 keyword index (bm25s) over accented lowercase syllables (`vietnamese.keyword_tokens`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.text.vietnamese import keyword_tokens

# What the manifest records, so an index built with other tokens is never queried with these.
TOKENS = "accented syllables"


class LexicalIndex:
    """BM25 over our own Vietnamese tokens; bm25s does the scoring and the (sparse) storage."""

    def __init__(self, retriever, n_docs: int) -> None:
        self._retriever = retriever
        self.n_docs = n_docs

    @classmethod
    def build(cls, texts: list[str]) -> "LexicalIndex":
        import bm25s

        corpus_tokens = [keyword_tokens(t) or [""] for t in texts]
        retriever = bm25s.BM25()
        retriever.index(corpus_tokens, show_progress=False)
        return cls(retriever, len(texts))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every document, in index order (zeros when no token is known)."""
        known = [t for t in query_tokens if t in self._retriever.vocab_dict]
        if not known or self.n_docs == 0:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)

    def knows(self, token: str) -> bool:
        return token in self._retriever.vocab_dict

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path, n_docs: int) -> "LexicalIndex":
        import bm25s

        return cls(bm25s.BM25.load(str(folder)), n_docs)
