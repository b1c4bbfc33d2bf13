"""Late chunking: a chunk's sentences get their vectors from the chunk's own forward pass (the mean of
the chunk's last hidden states over each sentence's tokens) instead of one more pass per sentence.

Needs an embedder that exposes its token states (`run_states`, the torch e5 path); others embed
sentences on their own. Quality against separate embedding: eval/BENCHMARKS.md (issue 14).
"""

from __future__ import annotations

import numpy as np

LATE_SUFFIX = "+late"  # cache entries of late sentence vectors: spec + suffix, keyed by chunk and sentence


def supports_late(embedder) -> bool:
    return callable(getattr(embedder, "run_states", None))


def part_spans(embedder, text: str, parts: list[str]) -> list[tuple[int, int] | None]:
    """Where each part (a sentence of `text`, in order) lies among text's content token ids, or None
    when it does not tokenize the same inside the text (it does not start or end on a word)."""
    ids, full, encode = embedder.token_ids(text), "passage: " + text, embedder.tokenizer.encode
    spans: list[tuple[int, int] | None] = []
    at = 0
    for part in parts:
        found = full.find(part, at) if part.strip() else -1
        if found < 0:
            spans.append(None)
            continue
        # the tokenizer splits at spaces only, so a part that starts a word has its own tokens
        start = len(encode(full[:found].rstrip()))
        own = encode(part)
        spans.append((start, start + len(own)) if own and ids[start : start + len(own)] == own else None)
        at = found + len(part)
    return spans


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-6)).astype(np.float32)


def embed_late(embedder, texts: list[str], parts: list[list[str]], progress: bool = False
               ) -> tuple[np.ndarray, list[np.ndarray]]:
    """One forward pass per text: the text's vector (as embed_passages gives it) and each part's vector.
    Parts whose tokens cannot be found in their text are embedded on their own."""
    spans = [part_spans(embedder, t, p) for t, p in zip(texts, parts)]
    sums = np.zeros((len(texts), embedder.dim), dtype=np.float64)
    weights = np.zeros(len(texts))
    states = [np.zeros((len(embedder.token_ids(t)), embedder.dim), dtype=np.float32) for t in texts]

    def take(row, first, window, x):
        sums[row] += max(len(window), 1) * x.mean(0)  # token-weighted, as embed_passages
        weights[row] += max(len(window), 1)
        states[row][first : first + len(window)] = x[1 : len(window) + 1]  # without <s>, </s>

    embedder.run_states(texts, False, progress, take)
    part_vectors = [np.zeros((len(p), embedder.dim), dtype=np.float32) for p in parts]
    alone = []
    for r, row in enumerate(spans):
        for j, span in enumerate(row):
            if span is None:
                alone.append((r, j))
            else:
                part_vectors[r][j] = _unit(states[r][span[0] : span[1]].mean(0, keepdims=True))[0]
    if alone:
        for (r, j), vector in zip(alone, embedder.embed_passages([parts[r][j] for r, j in alone])):
            part_vectors[r][j] = vector
    return _unit(sums / weights[:, None]), part_vectors


class _Stash:
    """Looks like an embedder to EmbeddingCache, so late vectors are cached by the cache's own rules:
    chunk vectors under the embedder's spec (they equal embed_passages'), sentence vectors under
    spec + LATE_SUFFIX keyed by 'chunk text \\0 sentence'."""

    def __init__(self, embedder, parts_of: dict[str, list[str]], progress: bool) -> None:
        self.embedder, self.parts_of, self.progress = embedder, parts_of, progress
        self.spec, self.dim = embedder.spec, embedder.dim
        self.chunks: dict[str, np.ndarray] = {}
        self.parts: dict[str, np.ndarray] = {}

    def compute(self, texts: list[str]) -> None:
        texts = [t for t in dict.fromkeys(texts) if t not in self.chunks]
        if texts:
            vectors, parts = embed_late(self.embedder, texts, [self.parts_of[t] for t in texts], self.progress)
            for text, vector, part_vectors in zip(texts, vectors, parts):
                self.chunks[text] = vector
                for part, pv in zip(self.parts_of[text], part_vectors):
                    self.parts[f"{text}\0{part}"] = pv


class _Sentences(_Stash):
    def embed_passages(self, keys: list[str], progress: bool = False) -> np.ndarray:
        self.compute([k.split("\0", 1)[0] for k in keys])
        return np.stack([self.parts[k] for k in keys])


def embed_chunks_and_units(embedder, chunk_texts: list[str], units: list[tuple[int, str]], cache=None,
                           progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Vectors for the chunks and for the answer units ((chunk row, text) pairs, each unit a sentence or
    clause of its chunk), by late chunking; with an EmbeddingCache only chunks not seen before are run."""
    parts_of: dict[str, list[str]] = {t: [] for t in chunk_texts}
    for row, unit in units:
        parts_of[chunk_texts[row]].append(unit)
    stash = _Sentences(embedder, parts_of, progress)
    keys = [f"{chunk_texts[row]}\0{unit}" for row, unit in units]
    if cache is None:
        stash.compute(chunk_texts)
        chunk_vectors = np.stack([stash.chunks[t] for t in chunk_texts]) if chunk_texts else None
        unit_vectors = np.stack([stash.parts[k] for k in keys]) if keys else None
    else:
        stash.spec = embedder.spec + LATE_SUFFIX
        unit_vectors = cache.embed_passages(stash, keys, progress=progress) if keys else None
        stash.spec = embedder.spec
        chunk_vectors = cache.embed_passages(_Chunks(stash), chunk_texts, progress=progress) if chunk_texts else None
    empty = np.zeros((0, embedder.dim), dtype=np.float32)
    return (chunk_vectors if chunk_vectors is not None else empty, unit_vectors if unit_vectors is not None else empty)


class _Chunks:
    def __init__(self, stash: _Stash) -> None:
        self.stash, self.spec, self.dim = stash, stash.spec, stash.dim

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.stash.compute(texts)
        return np.stack([self.stash.chunks[t] for t in texts])
