"""Stop 21: a comparison whose two things are in one article is answered from that article (as a report), and a
runner-up article on another subject is not set beside it."""

from types import SimpleNamespace

import pytest

from rag.answer.synthesis import Synthesiser
from rag.answer.synthesis_settings import SynthesisSettings
from rag.config import Config
from rag.pipeline import build_pipeline
from rag.schema import QueryPlan


@pytest.fixture(scope="module")
def pipeline(e5_index_path, e5_embedder):
    return build_pipeline(Config(index=e5_index_path), embedder=e5_embedder)


def _hit(article_id: str, dense: float):
    return SimpleNamespace(chunk=SimpleNamespace(article_id=article_id), dense_score=dense)


def _sides(hits, margin=SynthesisSettings().comparison_margin):
    synthesiser = object.__new__(Synthesiser)  # _sides reads only the settings and the hits
    synthesiser.settings = SynthesisSettings(comparison_margin=margin)
    plan = QueryPlan(question="So sánh giai đoạn làm Giám đốc Sở với giai đoạn làm Phó Chủ tịch", text="", language="vi")
    return [hit.chunk.article_id for _, hit, _ in synthesiser._sides(plan, hits)]


def test_a_runner_up_far_below_the_best_article_is_not_a_side():
    assert _sides([_hit("a", 0.90), _hit("a", 0.89), _hit("b", 0.86)]) == ["a"]
    assert _sides([_hit("a", 0.90), _hit("b", 0.89)]) == ["a", "b"]  # two close articles: one side each
    assert _sides([_hit("a", 0.90), _hit("b", 0.86)], margin=float("inf")) == ["a", "b"]


def test_a_comparison_inside_one_article_gets_a_report_of_it(pipeline):
    answer = pipeline.answer("So sánh số đảng viên được kết nạp và số đảng viên bị kỷ luật của Huyện ủy Mỹ Lộc")
    assert answer.answerable
    assert not answer.text.startswith("So sánh")  # not "comparing two articles" with one article
    assert len({c.article_id for c in answer.citations}) == 1
    assert len(answer.citations) >= 3  # a report's bullets, not a one-sided comparison's


def test_a_graphic_credit_is_a_credit():
    from rag.answer.salience import CREDIT
    assert CREDIT.search("Chuỗi sai phạm của ông X - Đồ họa: VIỆT THÁI")
    assert CREDIT.search("Toàn cảnh hội nghị - Ảnh: VGP")
    assert not CREDIT.search("Đồ họa kỹ thuật số được ứng dụng trong công tác tuyên truyền")
