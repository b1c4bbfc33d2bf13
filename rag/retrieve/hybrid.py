"""Hybrid retrieval: four rankings fused by weighted reciprocal rank, with place/year constraints.

Two retrievers at two granularities: e5 (FAISS) and BM25 (accented syllables), each over
whole chunks and over the chunks' best single sentence (the answer units the index holds). A chunk's
vector and its term counts average 5-15 sentences, so a question about one detail matches the sentence
that holds it better than the chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.index.constraints import place_keys
from rag.embed.registry import Embedder
from rag.index.store import Index
from rag.schema import Hit, QueryPlan
from rag.text.vietnamese import ENGLISH_STOPWORDS, QUESTION_WORDS_FOLDED, fold, keyword_tokens

RRF_K = 60


@dataclass(frozen=True)
class RetrievalSettings:
    mode: str = "hybrid"
    top_k: int = 10
    dense_candidates: int = 100
    # The keyword side's weight in the fusion, by question language. English questions share only
    # names and numbers with Vietnamese text, so BM25 is mostly noise for them (XQuAD en->vi: naive
    # fusion fell from .746 to .465 hit@1); the weight is further scaled by how much of the question
    # BM25 actually knows.
    lexical_weight_vi: float = 1.0
    lexical_weight_en: float = 0.25
    # Each best-sentence ranking votes with the weight of its whole-chunk ranking. Equal weights were
    # not tuned: on the half of XQuAD we looked at (even-numbered Wikipedia articles) 0.5 and 1.0 were
    # within one question of each other (eval/README.md).
    sentence_weight: float = 1.0
    # The BM25 and best-sentence rankings are cut to their best rows before fusion (FAISS returns only
    # `dense_candidates`): rank 100 adds 1/160 at most, and fusing every chunk that shares a common
    # word cost more than the searches (benchmarks/retrieval_cost.py). The best rows that keep the
    # question's place/year are kept as well, however far down they rank.
    ranking_cut: int = 100
    # FAISS's top chunks ignore the place/year filters; when no more than this many chunks keep them,
    # all of those get their best sentence scored with e5 (local unit vectors: about 2 ms per 1,000
    # chunks, mostly copying their vectors), so a filtered question reaches its articles even when the
    # rest of the corpus outranks them.
    filtered_scan_limit: int = 5000


def _positive(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows with a positive score in a score-per-row array, and those scores."""
    rows = np.flatnonzero(scores > 0)
    return rows, scores[rows]


def _top_rows(rows: np.ndarray, scores: np.ndarray, n: int) -> dict[int, float]:
    """The (at most) n rows with the highest scores, as {row: score} in row order (so ties rank as
    they would uncut)."""
    if len(rows) > n:
        keep = np.argpartition(-scores, n - 1)[:n]
        rows, scores = rows[keep], scores[keep]
    order = np.argsort(rows, kind="stable")
    return dict(zip(rows[order].tolist(), scores[order].astype(float).tolist()))


class HybridRetriever:
    """Ranks chunks for a QueryPlan. Chunks that break a place/year constraint are not dropped but
    ranked after all that keep it and flagged, so rankings stay complete for evaluation while the
    answerer only uses flagged-in hits."""

    def __init__(self, index: Index, embedder: Embedder, settings: RetrievalSettings = RetrievalSettings()) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        places = index.article_places  # a column: no article is read to build these
        self._article_place_keys = {article_id: place_keys(place) for article_id, place in places.items()}
        # A district in the plan filters; a province only boosts (see `satisfies` and `retrieve`).
        self._district_keys = {fold(p.district) for p in places.values() if p.district}

        self._allowed_cache: dict[tuple, np.ndarray] = {}
        # Answer units are stored in chunk order per build, but uploads and removals append and
        # renumber; group them by chunk row explicitly rather than trust the order.
        self._unit_rows = index.unit_chunk_rows  # a column: the units themselves are read when quoted
        self._units_by_chunk = np.argsort(self._unit_rows, kind="stable")
        self._unit_starts = np.searchsorted(self._unit_rows[self._units_by_chunk], np.arange(len(index.chunks) + 1))

    def query_vector(self, plan: QueryPlan) -> np.ndarray:
        return self.embedder.embed_query(plan.text)

    def _dense(self, vector: np.ndarray, n: int) -> dict[int, float]:
        n = min(n, len(self.index.chunks))
        if n == 0:
            return {}
        scores, rows = self.index.vectors.search(vector.reshape(1, -1).astype(np.float32), n)
        return {int(r): float(s) for r, s in zip(rows[0], scores[0]) if r >= 0}

    def _best_sentence(self, vector: np.ndarray, rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The highest e5 similarity between the question and any answer unit of each chunk in `rows`
        (only candidates: scoring every unit would cost a full scan at a million chunks)."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, lengths = self._unit_starts[rows], self._unit_starts[rows + 1] - self._unit_starts[rows]
        rows, starts, lengths = rows[lengths > 0], starts[lengths > 0], lengths[lengths > 0]
        if not len(rows):
            return rows, np.zeros(0, dtype=np.float32)
        # The units of every row, concatenated: positions start..start+length-1 of _units_by_chunk.
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        positions = np.arange(lengths.sum()) - np.repeat(offsets - starts, lengths)
        similarities = self.index.unit_vectors[self._units_by_chunk[positions]] @ vector.astype(np.float32).ravel()
        return rows, np.maximum.reduceat(similarities, offsets)

    def _lexical(self, plan: QueryPlan, allowed: np.ndarray | None) -> tuple[dict[int, float], dict[int, float], float]:
        """BM25 scores of matching chunks, the best BM25 score of a sentence in each chunk, and the share
        of the question's content tokens BM25 knows.

        Question words stay in the BM25 query (IDF already discounts them, and dropping them cost
        0.5 points of hit@1 on XQuAD vi); they are left out of the coverage share only."""
        tokens = keyword_tokens(plan.keyword_text or plan.text)
        content = [t for t in tokens if fold(t) not in QUESTION_WORDS_FOLDED and t not in ENGLISH_STOPWORDS]
        if not tokens:
            return {}, {}, 0.0
        coverage = sum(1 for t in content if self.index.lexical.knows(t)) / len(content) if content else 0.0
        chunks = self._cut(*_positive(self.index.lexical.scores(tokens)), allowed)
        unit_scores = self.index.unit_lexical.scores(tokens)
        best_unit = np.zeros(len(self.index.chunks), dtype=np.float32)
        np.maximum.at(best_unit, self._unit_rows, unit_scores)  # each chunk's best sentence
        return chunks, self._cut(*_positive(best_unit), allowed), coverage

    def _cut(self, rows: np.ndarray, scores: np.ndarray, allowed: np.ndarray | None) -> dict[int, float]:
        """A ranking's best rows, plus the best of those that keep the constraints: in a large corpus
        a filtered question ("Tháp Mười, 2021") may have no allowed chunk among the overall best.
        Fusing every row would cost more than the searches (benchmarks/retrieval_cost.py)."""
        n = self.settings.ranking_cut
        best = _top_rows(rows, scores, n)
        if allowed is not None:
            keep = allowed[rows]
            best.update(_top_rows(rows[keep], scores[keep], n))
            best = dict(sorted(best.items()))
        return best

    def _allowed_chunks(self, plan: QueryPlan) -> np.ndarray | None:
        """Which chunks keep the plan's place/year constraints; None when it has none. Cached per
        constraint: the UI's filters repeat them."""
        if not (plan.places or plan.unknown_places or plan.years):
            return None
        key = (tuple(plan.places), tuple(plan.unknown_places), tuple(plan.years))
        mask = self._allowed_cache.get(key)
        if mask is None:
            keeps = {article_id: self.satisfies(plan, article_id) for article_id in self.index.articles}
            mask = np.fromiter((keeps[a] for a in self.index.chunk_article_ids), dtype=bool, count=len(self.index.chunks))
            if len(self._allowed_cache) >= 64:
                self._allowed_cache.clear()
            self._allowed_cache[key] = mask
        return mask

    def satisfies(self, plan: QueryPlan, article_id: str) -> bool:
        if plan.unknown_places and not plan.places:
            return False
        district_keys = [p for p in plan.places if p in self._district_keys]
        if district_keys and not (self._article_place_keys[article_id] & set(district_keys)):
            return False
        if not plan.years:
            return True
        # the years each article lets a year constraint through for: saved with the index, or found on the
        # first question that names a year (~0.5 s at 5,000 articles)
        known_years = self.index.article_years[article_id]
        # An article with no date and no year in it (encyclopedic text) cannot be ruled out by year.
        if known_years and not (known_years & set(plan.years)):
            return False
        return True

    def retrieve(self, plan: QueryPlan, vector: np.ndarray | None = None, top_k: int | None = None) -> list[Hit]:
        top_k = top_k or self.settings.top_k
        mode = self.settings.mode
        dense: dict[int, float] = {}
        sentence: dict[int, float] = {}
        lexical: dict[int, float] = {}
        lexical_sentence: dict[int, float] = {}
        coverage = 0.0
        allowed = self._allowed_chunks(plan)
        if mode in ("hybrid", "bm25"):
            lexical, lexical_sentence, coverage = self._lexical(plan, allowed)
        if mode in ("hybrid", "dense"):
            vector = self.query_vector(plan) if vector is None else vector
            dense = self._dense(vector, self.settings.dense_candidates)
            # Every chunk another ranking put forward gets its best sentence scored (a few hundred at most).
            candidates = [*dense, *lexical, *lexical_sentence]
            if allowed is not None and 0 < allowed.sum() <= self.settings.filtered_scan_limit:
                candidates += np.flatnonzero(allowed).tolist()
            sentence = self._cut(*self._best_sentence(vector, list(dict.fromkeys(candidates))), allowed)

        weight_lex = (self.settings.lexical_weight_vi if plan.language == "vi" else self.settings.lexical_weight_en)
        weight_lex *= coverage if mode == "hybrid" else 1.0
        fused: dict[int, float] = {}
        for ranking, weight in ((dense, 1.0), (sentence, self.settings.sentence_weight), (lexical, weight_lex),
                                (lexical_sentence, weight_lex * self.settings.sentence_weight)):
            for rank, row in enumerate(sorted(ranking, key=ranking.get, reverse=True)):
                fused[row] = fused.get(row, 0.0) + weight / (RRF_K + rank + 1)
        if plan.places:
            # Province mentions (and districts when no district filter applies) boost rather than filter.
            for row in fused:
                if self._article_place_keys[self.index.chunks[row].article_id] & set(plan.places):
                    fused[row] += 0.5 / RRF_K

        def keeps_constraints(row: int) -> bool:
            return allowed is None or bool(allowed[row])

        ranked = sorted(fused, key=lambda r: (keeps_constraints(r), fused[r]), reverse=True)
        hits = []
        for row in ranked[: max(top_k, 10)]:
            chunk = self.index.chunks[row]
            hits.append(Hit(
                chunk=chunk, score=fused[row], dense_score=dense.get(row), lexical_score=lexical.get(row),
                matches_constraints=keeps_constraints(row), row=row,
            ))
        return hits
