"""Hybrid retrieval: FAISS dense search and BM25 fused by weighted reciprocal rank, with place/year constraints."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .articles import years_mentioned
from .diacritics import AccentRestorer
from .embedding import Embedder
from .index import Index
from .query import Gazetteer
from .schema import Hit, QueryPlan
from .vietnamese import ENGLISH_STOPWORDS, QUESTION_WORDS_FOLDED, fold, lexical_tokens

RRF_K = 60
MODES = ("hybrid", "dense", "bm25")


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


class HybridRetriever:
    """Ranks chunks for a QueryPlan. Chunks that break a place/year constraint are not dropped but
    ranked after all that keep it and flagged, so rankings stay complete for evaluation while the
    answerer only uses flagged-in hits."""

    def __init__(self, index: Index, embedder: Embedder, settings: RetrievalSettings = RetrievalSettings()) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.gazetteer = Gazetteer.from_articles(list(index.articles.values()))
        self.restorer = AccentRestorer.from_texts([f"{a.title}\n{a.text}" for a in index.articles.values()])
        # Any year an article mentions lets it through; the answerer then checks the year against the
        # sentence it quotes (the Cao Lãnh 2024 report cites a 2021 resolution, but cannot say how many
        # members Cao Lãnh admitted in 2021).
        self._article_years = {
            a.id: set(a.years) | set(years_mentioned(f"{a.title}\n{a.text}")) for a in index.articles.values()
        }
        self._article_place_keys = {
            a.id: {fold(p) for p in (a.place.district, a.place.province) if p} for a in index.articles.values()
        }

    def query_vector(self, plan: QueryPlan) -> np.ndarray:
        return self.embedder.embed_query(plan.text)

    def _dense(self, vector: np.ndarray, n: int) -> dict[int, float]:
        n = min(n, len(self.index.chunks))
        if n == 0:
            return {}
        scores, rows = self.index.vectors.search(vector.reshape(1, -1).astype(np.float32), n)
        return {int(r): float(s) for r, s in zip(rows[0], scores[0]) if r >= 0}

    def _lexical(self, plan: QueryPlan) -> tuple[dict[int, float], float]:
        """BM25 scores of matching chunks and the share of the question's content tokens BM25 knows.

        Question words stay in the BM25 query (IDF already discounts them, and dropping them cost
        0.5 points of hit@1 on XQuAD vi); they are left out of the coverage share only."""
        tokens = lexical_tokens(plan.keyword_text or plan.text)
        content = [t for t in tokens if t not in QUESTION_WORDS_FOLDED and t not in ENGLISH_STOPWORDS]
        if not tokens:
            return {}, 0.0
        coverage = sum(1 for t in content if self.index.lexical.knows(t)) / len(content) if content else 0.0
        scores = self.index.lexical.scores(tokens)
        nonzero = np.nonzero(scores > 0)[0]
        return {int(r): float(scores[r]) for r in nonzero}, coverage

    def satisfies(self, plan: QueryPlan, article_id: str) -> bool:
        if plan.unknown_places and not plan.places:
            return False
        district_keys = [p for p in plan.places if p in self.gazetteer.districts]
        if district_keys and not (self._article_place_keys[article_id] & set(district_keys)):
            return False
        known_years = self._article_years[article_id]
        # An article with no date and no year in it (encyclopedic text) cannot be ruled out by year.
        if plan.years and known_years and not (known_years & set(plan.years)):
            return False
        return True

    def retrieve(self, plan: QueryPlan, vector: np.ndarray | None = None, top_k: int | None = None) -> list[Hit]:
        top_k = top_k or self.settings.top_k
        mode = self.settings.mode
        dense: dict[int, float] = {}
        lexical: dict[int, float] = {}
        coverage = 0.0
        if mode in ("hybrid", "dense"):
            vector = self.query_vector(plan) if vector is None else vector
            dense = self._dense(vector, self.settings.dense_candidates)
        if mode in ("hybrid", "bm25"):
            lexical, coverage = self._lexical(plan)

        weight_lex = (self.settings.lexical_weight_vi if plan.language == "vi" else self.settings.lexical_weight_en)
        weight_lex *= coverage if mode == "hybrid" else 1.0
        fused: dict[int, float] = {}
        for rank, row in enumerate(sorted(dense, key=dense.get, reverse=True)):
            fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, row in enumerate(sorted(lexical, key=lexical.get, reverse=True)):
            fused[row] = fused.get(row, 0.0) + weight_lex / (RRF_K + rank + 1)
        if plan.places:
            # Province mentions (and districts when no district filter applies) boost rather than filter.
            for row in fused:
                if self._article_place_keys[self.index.chunks[row].article_id] & set(plan.places):
                    fused[row] += 0.5 / RRF_K

        ranked = sorted(
            fused,
            key=lambda r: (self.satisfies(plan, self.index.chunks[r].article_id), fused[r]),
            reverse=True,
        )
        hits = []
        for row in ranked[: max(top_k, 10)]:
            chunk = self.index.chunks[row]
            hits.append(Hit(
                chunk=chunk, score=fused[row], dense_score=dense.get(row), lexical_score=lexical.get(row),
                matches_constraints=self.satisfies(plan, chunk.article_id), row=row,
            ))
        return hits
