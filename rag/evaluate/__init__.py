"""Offline evaluation: question sets, metrics, run summaries and comparisons, reports."""

from rag import lazy_exports

_EXPORTS = {
    "load_questions": "sets", "Question": "metrics", "evaluate": "metrics", "build_summary": "summary",
    "compare": "summary", "write_report": "report",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
