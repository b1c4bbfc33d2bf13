"""BM25 keyword index (bm25s) over accented lowercase syllables (`vietnamese.keyword_tokens`).

bm25s builds and saves the index. A saved index is scored here from its own files (`SavedScores`: the
precomputed per-token scores, memory-mapped), as bm25s scores it, so a `rag ask` does not import bm25s and
scipy (0.3 s of a 2 s cold start, eval/BENCHMARKS.md §5); the scores are the same floats.
"""

from __future__ import annotations

import json
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
        saved = SavedScores.load(Path(folder))
        if saved is not None:
            return cls(saved, n_docs)
        import bm25s  # a method SavedScores does not score (BM25L, BM25+ add non-occurrence scores)

        return cls(bm25s.BM25.load(str(folder)), n_docs)


ARRAYS = ("data", "indices", "indptr")  # bm25s's files: <name>.csc.index.npy


class SavedScores:
    """A saved bm25s index (methods without non-occurrence scores), scored the way bm25s scores it: the
    precomputed score of each (token, document) pair, summed over the query's known tokens in their order."""

    def __init__(self, folder: Path, params_text: str, vocab_text: str) -> None:
        self.params = json.loads(params_text)
        self.vocab_dict: dict[str, int] = json.loads(vocab_text)
        self._texts = {"params.index.json": params_text, "vocab.index.json": vocab_text}
        self._arrays = {name: np.load(folder / f"{name}.csc.index.npy", mmap_mode="r") for name in ARRAYS}
        self._num_docs = int(self.params["num_docs"])
        self._dtype = np.dtype(self.params.get("dtype", "float32"))
        if len(self._arrays["indptr"]) < 1 or len(self._arrays["data"]) != len(self._arrays["indices"]):
            raise ValueError(f"{folder}: score arrays of different lengths")

    @classmethod
    def load(cls, folder: Path) -> "SavedScores | None":
        params_text = (folder / "params.index.json").read_text(encoding="utf-8")
        if json.loads(params_text).get("method") in ("bm25l", "bm25+"):
            return None
        return cls(folder, params_text, (folder / "vocab.index.json").read_text(encoding="utf-8"))

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        """As `bm25s.BM25.get_scores` (bm25s 0.2-0.3, numpy backend): np.add.at per token, in query order."""
        data, indices, indptr = (self._arrays[name] for name in ARRAYS)
        scores = np.zeros(self._num_docs, dtype=self._dtype)
        ids = [self.vocab_dict[t] for t in tokens if t in self.vocab_dict]
        if max(ids, default=0) >= len(indptr) - 1:  # as bm25s: a token without a score column
            raise ValueError(f"token id {max(ids)} has no scores in this index ({len(indptr) - 1} columns)")
        for token_id in ids:
            start, end = indptr[token_id], indptr[token_id + 1]
            np.add.at(scores, indices[start:end], data[start:end])
        return scores

    def save(self, folder: str) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in self._texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        for name, array in self._arrays.items():
            np.save(folder / f"{name}.csc.index.npy", array)
