"""Issue 11j: an English question's capitalised runs lose their English words before the article is required to
hold them; a person the question names after an office the article writes is left to the score test."""

from rag.answer.synthesis import introduced_by_role, names_an_article_can_hold, vietnamese_parts
from rag.schema import QueryPlan
from rag.text.vietnamese import has_syllable_shape


def test_the_shape_of_a_vietnamese_syllable():
    assert all(has_syllable_shape(w) for w in ("Nguyễn", "nguyen", "Thành", "Phong", "Minh", "khuyen", "ngheo"))
    assert not any(has_syllable_shape(w) for w in ("City", "People", "Committee", "Chairman", "central", "Cuba"))


def test_an_english_run_keeps_its_vietnamese_stretches():
    assert vietnamese_parts("ho chi minh city people") == ["ho chi minh"]
    assert vietnamese_parts("committee chairman nguyen thanh phong") == ["nguyen thanh phong"]
    assert vietnamese_parts("central inspection commission") == []


def test_an_english_question_requires_the_vietnamese_name_only():
    plan = QueryPlan(question="What did Provincial Chairman Nguyễn Văn Bình say at the meeting?", text="",
                     language="en")
    assert names_an_article_can_hold(plan, ["provincial chairman nguyen van binh"]) == ["nguyen van binh"]
    # a Vietnamese question's runs are left as they were
    vietnamese = QueryPlan(question="Ông Nguyễn Văn Bình nói gì?", text="", language="vi")
    assert names_an_article_can_hold(vietnamese, ["nguyen van binh"]) == ["nguyen van binh"]


def test_a_person_named_after_an_office_the_article_writes():
    question = "Phó thủ tướng Lê Văn Hải đồng ý chủ trương gì?"
    assert introduced_by_role(question, "le van hai", ["pho thu tuong dong y chu truong dieu chinh quy hoach"])
    # the office is not in the article: not rescued
    assert not introduced_by_role(question, "le van hai", ["bo truong dong y chu truong"])
    # a name given without an office before it: not rescued
    assert not introduced_by_role("Lê Văn Hải đồng ý chủ trương gì?", "le van hai", ["pho thu tuong dong y"])


def test_an_english_office_is_looked_for_in_vietnamese():
    question = "What did Provincial Party Secretary Lê Văn Hải ask the districts to do?"
    assert introduced_by_role(question, "le van hai", ["bi thu tinh uy yeu cau cac huyen"])  # glossary: bí thư
    assert not introduced_by_role(question, "le van hai", ["chu tich ubnd tinh yeu cau"])
