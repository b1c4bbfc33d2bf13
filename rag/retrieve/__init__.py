"""From a question to passages: the QueryPlanner (language, place/year constraints, answer type,
follow-ups; it owns the index's gazetteer and accent restorer) and hybrid retrieval (e5 + BM25, fused), and both as LangChain adapters."""

from rag import lazy_exports

_EXPORTS = {
    "QueryPlanner": "planning", "Gazetteer": "planning", "plan_query": "planning",
    "validate_question": "planning", "HybridRetriever": "hybrid", "RetrievalSettings": "hybrid",
    "HybridLangChainRetriever": "langchain_adapters", "EmbedderAsLangChain": "langchain_adapters",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
