"""Importing the library is cheap: `import rag` and each package's `__init__` load no torch, faiss,
gradio or LangChain (the public names load their submodule on first use), and every exported name exists."""

from __future__ import annotations

import subprocess
import sys

import pytest

PACKAGES = ["rag", "rag.text", "rag.ingest", "rag.embed", "rag.index", "rag.retrieve", "rag.answer", "rag.cite",
            "rag.evaluate", "rag.cli"]
HEAVY = ["torch", "faiss", "gradio", "langchain_core", "sentence_transformers", "pymilvus"]


@pytest.mark.parametrize("package", PACKAGES)
def test_importing_a_package_loads_no_heavy_library(package):
    code = (f"import sys, {package}\n"
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == [], f"import {package} loaded {loaded}"


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_resolves(package):
    module = __import__(package, fromlist=["__all__"])
    for name in getattr(module, "__all__", []):
        assert getattr(module, name) is not None, f"{package}.{name}"
    with pytest.raises(AttributeError):
        getattr(module, "no_such_name")
