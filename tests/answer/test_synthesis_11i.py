"""Issue 11i: a change between two moments is answered from the one article that reports it, and a place
written in English ("Hanoi") is a name the article found must hold."""

import pytest

from rag.answer.synthesis import _spellings, names_an_article_can_hold
from rag.config import Config
from rag.pipeline import build_pipeline
from rag.schema import QueryPlan


@pytest.fixture(scope="module")
def pipeline(e5_index_path, e5_embedder):
    return build_pipeline(Config(index=e5_index_path), embedder=e5_embedder)


def test_a_change_between_two_moments_is_answered_from_one_article(pipeline):
    answer = pipeline.answer("Số đảng viên của Mỹ Lộc đã thay đổi thế nào giữa đầu năm và cuối năm 2021?")
    assert answer.plan.question_type == "comparison"  # the type the user asked for is reported as such
    assert answer.answerable
    assert not answer.text.startswith("So sánh")  # no second article on another subject set beside it
    assert len({c.article_id for c in answer.citations}) == 1
    assert "Mỹ Lộc" in answer.citations[0].title or "Mỹ Lộc" in answer.text


def test_a_comparison_of_two_places_still_has_two_sides(pipeline):
    answer = pipeline.answer("So sánh kết quả công tác xây dựng Đảng năm 2021 của Tháp Mười và Mỹ Lộc")
    assert answer.text.startswith("So sánh")
    assert len({c.article_id for c in answer.citations}) == 2


def test_an_english_place_name_is_required_in_the_article():
    plan = QueryPlan(question="What did Hanoi's leaders report about fire safety?", text="", language="en",
                     places=("ha noi",))
    assert names_an_article_can_hold(plan, []) == ["ha noi"]
    # a Vietnamese question's "TP. HCM" is left to the other topic words, as before
    vietnamese = QueryPlan(question="Thành uỷ TP. HCM sẽ làm gì?", text="", language="vi", places=("ho chi minh",))
    assert names_an_article_can_hold(vietnamese, []) == []


def test_a_place_is_found_under_the_other_spellings_articles_use():
    assert {"hcm", "tphcm", "ho chi minh city"} <= _spellings("ho chi minh")
    assert _spellings("thap muoi") == {"thap muoi"}
