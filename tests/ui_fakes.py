"""Deterministic stand-ins for the UI and incremental-indexing tests: a keyword-hashing embedder and a
scripted generator that quotes the first sentence of the best hit."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np

from rag.answer.generator import Draft
from rag.config import Config
from rag.schema import Citation, Hit, QueryPlan
from rag.text.vietnamese import folded_syllables

UI_ARTICLES = Path(__file__).parent / "data" / "ui_articles"
UI_UPLOAD = Path(__file__).parent / "data" / "ui_upload"


class HashEmbedder:
    """Bag of accent-folded syllables hashed into 256 dimensions, L2-normalised: texts sharing words
    are close, and the same text always gives the same vector."""

    spec = "fake:hash256"
    dim = 256

    def __init__(self) -> None:
        self.calls = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in folded_syllables(text.lower()):
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.calls += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


class ScriptedGenerator:
    """Answers with the first sentence of the best hit that keeps the question's place/year, cited [1];
    declines when there is none. `extra_unsupported` adds a sentence citing a quote that is not in its
    passage, so the checker marks it unsupported."""

    name = "extractive"
    needs_query_vector = False

    def __init__(self, extra_unsupported: bool = False) -> None:
        self.extra_unsupported = extra_unsupported
        self.plans: list[QueryPlan] = []

    def generate(self, plan: QueryPlan, hits: list[Hit], query_vector=None) -> Draft:
        self.plans.append(plan)
        usable = [h for h in hits if h.matches_constraints]
        if not usable:
            return Draft(text="Không tìm thấy câu trả lời.", citations=(), answerable=False)
        hit = usable[0]
        quote = hit.chunk.sentences[0]
        citations = [Citation(marker=1, article_id=hit.chunk.article_id, chunk_id=hit.chunk.id,
                              title=hit.chunk.title, date=hit.chunk.date, place=hit.chunk.place.label(), quote=quote)]
        text = f"Theo bài “{hit.chunk.title}”: “{quote}” [1]."
        if self.extra_unsupported:
            citations.append(Citation(marker=2, article_id=hit.chunk.article_id, chunk_id=hit.chunk.id,
                                      title=hit.chunk.title, date=hit.chunk.date, place=hit.chunk.place.label(),
                                      quote="Huyện đã xây 99 cây cầu vàng."))
            text += " Huyện đã xây 99 cây cầu vàng [2]."
        return Draft(text=text, citations=tuple(citations), answerable=True)

    def stream_draft(self, plan, hits, query_vector=None):
        draft = self.generate(plan, hits, query_vector)
        yield draft.text
        yield draft


class StandInPipeline:
    """Base for a scripted pipeline put straight into an Engine: every per-request view is itself."""

    config = Config()

    def view(self, **_settings):
        return self


def quote_in_passage(answer_text: str, citations, hits) -> tuple[Citation, ...]:
    """A deterministic stand-in for the citation checker: a citation is supported when its quote is
    really in its chunk."""
    texts = {h.chunk.id: h.chunk.text for h in hits}
    return tuple(replace(c, supported=c.quote in texts.get(c.chunk_id, "")) for c in citations)


def build_fake_index(target: Path, source: Path = UI_ARTICLES, embedder: HashEmbedder | None = None) -> Path:
    """Build and save an index of `source` with the hashing embedder; returns its path."""
    from rag.ingest.articles import load_articles
    from rag.index.store import build_index, save_index

    embedder = embedder or HashEmbedder()
    index = build_index(load_articles(source).articles, embedder, target)
    save_index(index, target)
    return target


def fake_pipeline(index_path: Path, generator=None, embedder: HashEmbedder | None = None):
    """A real RagPipeline over a fake-embedder index, answering with a scripted generator."""
    from rag.config import Config
    from rag.pipeline import build_pipeline

    pipeline = build_pipeline(Config(index=index_path), embedder=embedder or HashEmbedder())
    pipeline.generator = generator or ScriptedGenerator()
    pipeline.checker = quote_in_passage  # deterministic
    return pipeline


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target
