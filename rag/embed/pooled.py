"""Pooled chunk vectors: one forward pass per answer unit, none per chunk.

e5 mean-pools its last hidden states, so a chunk's vector can be formed from the passes its pieces get
anyway: the token-weighted mean of the states of its header line (title · date · place) and of each of
its answer units, i.e. mean pooling with each sentence's context limited to itself (counted as one pass
would count them: one <s>, 'passage:' and </s>, those of the header). Answer units keep the vectors a pass
of their own gives (they are that pass). The chunk pass, about half of the
tokens a build embeds, is skipped; each distinct piece (a header is shared by an article's chunks, an
overlap sentence by two chunks) runs once.

The pooled vector misses the context between sentences. A linear correction fitted on VietNews (a residual
from the pooled vector, the mean of the chunk's unit vectors and the header's own vector, all from the same
passes; `corrected=True`, weights from eval/benchmarks/pooled_correction.py) was measured and is off: it
lowered XQuAD hit@1 (eval/BENCHMARKS.md §5).

Needs an embedder that exposes its token states (`run_states`, the torch e5 path); others embed chunks
whole. Quality against whole-chunk vectors: eval/BENCHMARKS.md §5 (issue 14).
"""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path

import numpy as np

from rag.embed.late import _unit, supports_late

BUILD_DEFAULT = "whole"  # `rag index build` without --chunk-vectors (eval/BENCHMARKS.md §5); or "pooled"
POOLED_SUFFIX = "+pooled"  # cache entries of pooled chunk vectors: spec + suffix, keyed by the chunk's pieces
# The linear correction (issue 14f) brought pooled vectors nearer whole-chunk vectors on held VietNews
# articles (cosine 0.960 -> 0.978) but cost XQuAD hybrid hit@1 (vi -0.027, en -0.041 vs whole chunks):
# off, and its weights are not shipped; eval/benchmarks/pooled_correction.py --write fits them here.
CORRECTED = False
CORRECTION_FILE = Path(__file__).with_name("pooled_correction.npy")  # not in the repository (.gitignore)

supports_pooled = supports_late  # both need the embedder's token states (`run_states`)


class _Pieces:
    """Each distinct piece's states, summed two ways, computed once whichever vector asks for it first:
    as e5 pools the piece alone (its own vector), and over its content tokens only (without <s>, the
    'passage:' prefix and </s>), which is what the piece adds to a chunk that holds it."""

    def __init__(self, embedder, progress: bool, specials: str = "once") -> None:
        self.embedder, self.progress, self.specials = embedder, progress, specials
        self.spec, self.dim = embedder.spec, embedder.dim
        self.prefix = len(embedder.tokenizer.encode("passage:")) if specials == "once" else 0
        self.own: dict[str, tuple[np.ndarray, float]] = {}  # e5's token-weighted window means
        self.all: dict[str, tuple[np.ndarray, int]] = {}  # every state, <s> and </s> included
        self.content: dict[str, tuple[np.ndarray, int]] = {}

    def compute(self, pieces: list[str]) -> None:
        todo = [p for p in dict.fromkeys(pieces) if p not in self.own]
        if not todo:
            return
        own = np.zeros((len(todo), self.dim)), np.zeros(len(todo))
        every = np.zeros((len(todo), self.dim)), np.zeros(len(todo), dtype=int)
        content = np.zeros((len(todo), self.dim)), np.zeros(len(todo), dtype=int)

        def take(row, first, window, x):
            own[0][row] += max(len(window), 1) * x.mean(0)  # as TorchE5Embedder combines windows
            own[1][row] += max(len(window), 1)
            every[0][row] += x.sum(0)
            every[1][row] += len(x)
            skip = self.prefix if first == 0 else 0
            if self.specials == "each":
                content[0][row] += x.sum(0)
                content[1][row] += len(x)
            else:
                content[0][row] += x[1 + skip : len(window) + 1].sum(0)
                content[1][row] += len(window) - skip

        self.embedder.run_states(todo, False, self.progress, take)
        for i, p in enumerate(todo):
            self.own[p] = own[0][i], own[1][i]
            self.all[p] = every[0][i], every[1][i]
            self.content[p] = content[0][i], content[1][i]

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Answer units: each its own pass, embed_passages' vector."""
        self.compute(texts)
        return _unit(np.stack([self.own[t][0] / self.own[t][1] for t in texts]))

    def pooled(self, pieces: list[str]) -> np.ndarray:
        """The mean of the chunk's states as if one pass had run them: the first piece (the header) with
        its <s>, prefix and </s>, the others' content tokens; only the context differs from a real pass."""
        parts = [self.all[pieces[0]]] + [self.content[p] for p in pieces[1:]]
        return sum(s for s, _ in parts) / max(sum(n for _, n in parts), 1)


def features(pieces: _Pieces, parts: list[str]) -> np.ndarray:
    """What the correction reads of a chunk: its pooled vector, the mean of its answer units' own vectors
    and its header's own vector (unit length each; zeros for a chunk without units)."""
    own = [pieces.own[p][0] / pieces.own[p][1] for p in parts]
    units = _unit(np.stack(own[1:]))[None].mean(1) if len(own) > 1 else np.zeros((1, pieces.dim))
    rows = [pieces.pooled(parts)[None], units, np.asarray(own[0])[None]]
    return np.concatenate([_unit(r) if r.any() else r.astype(np.float32) for r in rows], axis=1)[0]


def correct(x: np.ndarray, d: np.ndarray) -> np.ndarray:
    """unit(p + [x, 1] @ d): the pooled vector p (x's first dim columns) plus the fitted residual; d has
    one row per feature column used (its row count says how many) and a last row for the bias."""
    k = d.shape[0] - 1
    return _unit(x[:, :d.shape[1]] + np.hstack([x[:, :k], np.ones((len(x), 1))]) @ d.astype(np.float64))


@functools.lru_cache(maxsize=2)
def load_correction(path: Path) -> tuple[np.ndarray, str]:
    """The fitted residual and a tag of its bytes (cache entries of corrected vectors name the weights)."""
    if not path.exists():
        raise FileNotFoundError(f"no pooled-vector correction at {path}. Fix: nice python -m "
                                "eval.benchmarks.pooled_correction --write (fits it on VietNews), or corrected=False")
    raw = path.read_bytes()
    return np.load(io.BytesIO(raw)), hashlib.sha256(raw).hexdigest()[:12]


class _Chunks:
    """Chunk vectors keyed by their pieces joined with NUL (what EmbeddingCache sees as the text); with
    `corrected`, the pooled vectors go through the fitted linear correction (pooled_correction.npy)."""

    def __init__(self, pieces: _Pieces, corrected: bool) -> None:
        self.pieces, self.dim = pieces, pieces.dim
        self.weights = load_correction(CORRECTION_FILE) if corrected else None
        self.spec = pieces.spec + POOLED_SUFFIX + (f"+lin-{self.weights[1]}" if corrected else "")

    def embed_passages(self, keys: list[str], progress: bool = False) -> np.ndarray:
        split = [k.split("\0") for k in keys]
        self.pieces.compute([p for parts in split for p in parts])
        if self.weights is not None:
            return correct(np.stack([features(self.pieces, parts) for parts in split]), self.weights[0])
        return _unit(np.stack([self.pieces.pooled(parts) for parts in split]))


def embed_pooled(embedder, chunk_pieces: list[list[str]], unit_texts: list[str], cache=None,
                 progress: bool = False, specials: str = "once", corrected: bool = CORRECTED
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Chunk vectors pooled from their pieces (the header line and every answer unit of the chunk, in
    order) and the answer units' own vectors, from one pass per distinct piece. With an EmbeddingCache,
    unit vectors are shared with separate builds (same spec, same vectors) and chunk vectors are kept
    under spec + POOLED_SUFFIX (+ the correction's tag when `corrected`)."""
    pieces, empty = _Pieces(embedder, progress, specials), np.zeros((0, embedder.dim), dtype=np.float32)
    chunks, keys = _Chunks(pieces, corrected), ["\0".join(p) for p in chunk_pieces]
    # one forward run for everything a fresh build needs (length-sorted batches across all pieces)
    if cache is None:
        pieces.compute(unit_texts + [p for parts in chunk_pieces for p in parts])

    def embed(target, texts):
        if not texts:
            return empty
        return cache.embed_passages(target, texts, progress=progress) if cache is not None else target.embed_passages(texts)

    unit_vectors = embed(pieces, unit_texts)
    return embed(chunks, keys), unit_vectors
