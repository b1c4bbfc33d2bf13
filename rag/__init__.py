"""Cited question answering over Vietnamese local news: ingest, hybrid retrieval, grounded answers.

Start at `rag.pipeline` (the composition root: `build_pipeline(Config(...)).answer(question)`); the
packages follow the data flow: text, ingest, embed, index, retrieve, answer, cite, evaluate, cli
(docs/ARCHITECTURE.md). Public names are importable from their package (`from rag.retrieve import
QueryPlanner`), loaded on first use so that `import rag` stays fast: no torch, faiss or gradio.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

__version__ = "0.1.0"


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """PEP 562 `__getattr__` and `__dir__` for a package whose public names (name -> submodule) are
    imported only when first asked for."""

    def __getattr__(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{exports[name]}"), name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__


_EXPORTS = {"Config": "config", "build_pipeline": "pipeline", "RagPipeline": "pipeline", "Answer": "schema",
            "RagError": "errors"}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
