"""Citation checking: the [n] marker grammar, a sentence's facts and slots, the support checker, and
the checker the pipeline plugs in (`make_pipeline_checker`)."""

from rag import lazy_exports

_EXPORTS = {
    "check_answer": "checker", "make_pipeline_checker": "checker", "markers_in": "checker",
    "renumber": "checker", "SupportChecker": "support",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
