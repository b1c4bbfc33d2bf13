"""The Milvus vector backend (rag.index.milvus) against milvus-lite, which speaks the same API as a
Milvus cluster: the same questions rank the same articles first as with FAISS, exact top-10 agrees,
and place/year filters run inside the engine. Skipped when the `milvus` extra is not installed."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ci_needs import need_module

need_module("pymilvus", "pip install -e '.[test]'")
need_module("milvus_lite", "pip install -e '.[test]'")

from rag.index.milvus import MilvusVectors, chunk_metadata, filter_expression  # noqa: E402
from rag.retrieve.hybrid import HybridRetriever, RetrievalSettings  # noqa: E402

from test_retrieval import _hits, _top_article  # noqa: E402
from test_retrieval import test_every_mode_finds_the_article as _every_mode  # noqa: E402
from test_retrieval import test_hybrid_ranks_the_right_article_first as _hybrid_first  # noqa: E402


def _cases(test_function) -> list:
    """The (question, article) pairs a test in test_retrieval.py is parametrized with."""
    return next(m.args[1] for m in test_function.pytestmark if m.args[0] == ("question", "article_id"))


HYBRID_CASES = _cases(_hybrid_first)
EVERY_MODE_CASES = _cases(_every_mode)


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """milvus-lite's engine runs in this process; torch's OpenMP workers spinning beside it on a small
    machine made each query take seconds (8 s for this file with OMP_NUM_THREADS=1, 60 s without on
    2 cores). One torch thread is plenty for embedding single questions."""
    torch = need_module("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def milvus_vectors(one_torch_thread, e5_index, tmp_path_factory) -> MilvusVectors:
    uri = str(tmp_path_factory.mktemp("milvus") / "vectors.db")
    vectors = MilvusVectors.from_index(e5_index, uri, "fixtures")
    yield vectors
    vectors.close()


@pytest.fixture(scope="module")
def milvus_index(e5_index, milvus_vectors):
    return dataclasses.replace(e5_index, vectors=milvus_vectors)


@pytest.fixture(scope="module")
def both(e5_index, milvus_index, e5_embedder) -> dict[str, dict[str, HybridRetriever]]:
    """backend -> mode -> retriever."""
    return {
        backend: {mode: HybridRetriever(index, e5_embedder, RetrievalSettings(mode=mode)) for mode in ("hybrid", "dense")}
        for backend, index in (("faiss", e5_index), ("milvus", milvus_index))
    }


def test_collection_holds_every_chunk(milvus_vectors, e5_index):
    from rag.index.vectors import VectorStore

    assert isinstance(milvus_vectors, VectorStore) and isinstance(e5_index.vectors, VectorStore)
    assert milvus_vectors.ntotal == e5_index.vectors.ntotal == len(e5_index.chunks)
    assert milvus_vectors.d == e5_index.vectors.d == 384


@pytest.mark.parametrize(("question", "article_id"), HYBRID_CASES)
def test_hybrid_ranks_the_right_article_first_on_both_backends(both, question, article_id):
    assert _top_article(both["faiss"]["hybrid"], question) == article_id
    assert _top_article(both["milvus"]["hybrid"], question) == article_id


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
@pytest.mark.parametrize(("question", "article_id"), EVERY_MODE_CASES)
def test_every_mode_finds_the_article_with_milvus(both, mode, question, article_id):
    assert _top_article(both["milvus"][mode], question) == article_id


def test_constraints_flag_the_same_hits(both):
    question = "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?"
    _, faiss_hits = _hits(both["faiss"]["hybrid"], question)
    _, milvus_hits = _hits(both["milvus"]["hybrid"], question)
    assert [(h.row, h.matches_constraints) for h in milvus_hits] == [(h.row, h.matches_constraints) for h in faiss_hits]
    assert {h.chunk.article_id for h in milvus_hits if h.matches_constraints} == {"myloc_2021"}


QUERIES = [q for q, _ in HYBRID_CASES + EVERY_MODE_CASES] + [
    "Huyện ủy tổ chức hội nghị tổng kết công tác xây dựng Đảng",
    "kết nạp đảng viên mới",
    "Giá vàng hôm nay",
    "Đồng Tháp",
    "xoá nhà tạm, nhà dột nát",
    "công tác dân vận khéo",
    "How much money was invested?",
]


def test_top10_matches_faiss_exact_search(e5_index, milvus_vectors, e5_embedder):
    assert len(QUERIES) >= 20
    k = min(10, e5_index.vectors.ntotal)
    for question in QUERIES:
        query = e5_embedder.embed_query(question).reshape(1, -1).astype(np.float32)
        faiss_scores, faiss_rows = e5_index.vectors.search(query, k)
        scores, rows = milvus_vectors.search(query, k)
        assert rows.shape == scores.shape == (1, k) and rows.dtype == np.int64
        np.testing.assert_allclose(scores, faiss_scores, atol=1e-4, err_msg=question)
        assert list(rows[0]) == list(faiss_rows[0]), question


def test_asking_for_more_than_exists_pads_like_faiss(milvus_vectors, e5_index, e5_embedder):
    query = e5_embedder.embed_query("Tháp Mười").reshape(1, -1)
    n = e5_index.vectors.ntotal
    scores, rows = milvus_vectors.search(query, n + 5)
    assert sorted(rows[0][:n]) == list(range(n))
    assert list(rows[0][n:]) == [-1] * 5


def test_search_filtered_keeps_only_matching_articles(milvus_vectors, e5_index, e5_embedder):
    meta = {m.row: m for m in chunk_metadata(e5_index)}
    query = e5_embedder.embed_query("kết nạp bao nhiêu đảng viên mới").reshape(1, -1)
    n = e5_index.vectors.ntotal

    _, rows = milvus_vectors.search_filtered(query, n, place_keys=["thap muoi"])
    found = {e5_index.chunks[r].article_id for r in rows[0] if r >= 0}
    assert found == {"thapmuoi_tongket_2021", "thapmuoi_danvan_2022"}

    _, rows = milvus_vectors.search_filtered(query, n, place_keys=["thap muoi"], years=[2022])
    kept = [r for r in rows[0] if r >= 0]
    assert kept and all(2022 in meta[r].years or not meta[r].years for r in kept)
    assert {e5_index.chunks[r].article_id for r in kept} <= {"thapmuoi_tongket_2021", "thapmuoi_danvan_2022"}
    assert "thapmuoi_danvan_2022" in {e5_index.chunks[r].article_id for r in kept}

    _, rows = milvus_vectors.search_filtered(query, n, years=[2024])
    expected = {r for r, m in meta.items() if 2024 in m.years or not m.years}
    assert {int(r) for r in rows[0] if r >= 0} == expected

    scores, rows = milvus_vectors.search_filtered(query, 5, place_keys=["gia lam"])
    assert (rows == -1).all()


def test_filters_agree_with_the_retrievers_constraints(both, milvus_vectors, e5_index, e5_embedder):
    """Rows search_filtered returns are exactly the rows the Python-side `satisfies` lets through."""
    retriever = both["milvus"]["hybrid"]
    plan, _ = _hits(retriever, "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?")
    n = e5_index.vectors.ntotal
    query = e5_embedder.embed_query(plan.text).reshape(1, -1)
    _, rows = milvus_vectors.search_filtered(query, n, place_keys=list(plan.places), years=list(plan.years))
    allowed = {r for r, c in enumerate(e5_index.chunks) if retriever.satisfies(plan, c.article_id)}
    assert {int(r) for r in rows[0] if r >= 0} == allowed


def test_filter_expression_quotes_values():
    assert filter_expression() == ""
    assert filter_expression(["thap muoi"], [2021]) == (
        'array_contains_any(place_keys, ["thap muoi"]) and '
        "(array_length(years) == 0 or array_contains_any(years, [2021]))"
    )
    assert '\\"' in filter_expression(['a"b'])


def test_missing_collection_is_a_backend_error(tmp_path):
    from rag.errors import BackendError

    with pytest.raises(BackendError, match="no collection"):
        MilvusVectors(str(tmp_path / "empty.db"), "nothing")


def test_build_pipeline_serves_vectors_from_milvus_when_configured(e5_index_path, e5_embedder, tmp_path):
    from rag.config import Config
    from rag.pipeline import build_pipeline

    uri = str(tmp_path / "served.db")
    config = Config(index=e5_index_path, vector_store=f"milvus:{uri}")
    pipeline = build_pipeline(config, embedder=e5_embedder)
    assert isinstance(pipeline.index.vectors, MilvusVectors)
    answer = pipeline.answer("Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?")
    assert answer.hits[0].chunk.article_id == "myloc_2021"
    # A second start reuses the collection instead of copying the vectors again.
    again = build_pipeline(config, embedder=e5_embedder)
    assert again.index.vectors.collection == pipeline.index.vectors.collection
