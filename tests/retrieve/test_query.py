"""rag.retrieve.planning: year and place constraints, answer types, follow-up questions, question validation."""

from __future__ import annotations

import pytest

from rag.errors import InputError
from rag.retrieve.planning import (
    MAX_QUESTION_CHARS,
    Gazetteer,
    answer_type,
    named_places,
    plan_query,
    validate_question,
)
from rag.schema import Article, Place


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    articles = [
        Article(id="tm", title="", text="", place=Place("Tháp Mười", None)),
        Article(id="cl", title="", text="", place=Place("Cao Lãnh", "Đồng Tháp")),
        Article(id="ml", title="", text="", place=Place("Mỹ Lộc", None)),
        Article(id="tm2", title="", text="", place=Place("Tháp Mười", None)),
    ]
    return Gazetteer.from_articles(articles)


# ---------------------------------------------------------------- answer types


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?", "number"),
        ("my loc ky luat bao nhieu dang vien", "number"),
        ("Mấy đảng viên bị kỷ luật?", "number"),
        ("Tỷ lệ hòa giải thành là bao nhiêu?", "number"),
        ("How many new party members did Mỹ Lộc admit?", "number"),
        ("What percentage of cases were settled?", "number"),
        ("Ai là Bí thư Huyện ủy Tháp Mười?", "person"),
        ("Who chaired the conference?", "person"),
        ("Hội nghị diễn ra khi nào?", "date"),
        ("Ngày bao nhiêu huyện tổ chức hội nghị?", "date"),  # a date, not a number
        ("When was the conference held?", "date"),
        ("Hội nghị tổ chức ở đâu?", "place"),
        ("Where was the conference held?", "place"),
        ("Nội dung hội nghị là gì?", "other"),
        ("What did Tháp Mười report?", "other"),
    ],
)
def test_answer_type(question, kind):
    assert answer_type(question) == kind


# ---------------------------------------------------------------- places


@pytest.mark.parametrize(
    ("question", "known"),
    [
        ("Huyện Tháp Mười kết nạp bao nhiêu đảng viên?", ("thap muoi",)),
        ("huyen thap muoi ket nap bao nhieu dang vien", ("thap muoi",)),
        ("THÁP MƯỜI kết nạp bao nhiêu?", ("thap muoi",)),
            ("Huyện thap muoi kết nạp bao nhiêu đảng viên?", ("thap muoi",)),  # the name alone unaccented
        ("What did Tháp Mười district report?", ("thap muoi",)),
        ("What did Thap Muoi report in 2021?", ("thap muoi",)),
        ("Huyện ủy Mỹ Lộc kỷ luật bao nhiêu đảng viên?", ("my loc",)),
        ("Tỉnh Đồng Tháp có bao nhiêu huyện?", ("dong thap",)),
        ("Huyện kết nạp bao nhiêu đảng viên?", ()),
    ],
)
def test_known_places_with_and_without_diacritics(gazetteer, question, known):
    assert named_places(question, gazetteer) == (known, ())


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("Huyện Gia Lâm kết nạp bao nhiêu đảng viên?", ("Gia Lâm",)),
        ("huyen gia lam ket nap bao nhieu dang vien", ("gia lam",)),
        ("Huyen Gia Lam ket nap bao nhieu dang vien?", ("gia lam",)),
        # capitals written elsewhere: "tinh trang" (tình trạng) and "quan ly" (quản lý) are no "tỉnh", "quận"
        ("So Noi vu Ha Tinh han che tinh trang lanh dao nao trong quan ly can bo?", ("Hà Tĩnh",)),
        ("How many members did Gia Lam district admit?", ("Gia Lam",)),
        ("Hà Nội có bao nhiêu đảng viên?", ("Hà Nội",)),
    ],
)
def test_unknown_places_with_and_without_diacritics(gazetteer, question, unknown):
    assert named_places(question, gazetteer) == ((), unknown)


def test_plan_carries_places_years_type_and_language(gazetteer):
    plan = plan_query("What did Tháp Mười report in 2021?", gazetteer)
    assert plan.language == "en"
    assert plan.places == ("thap muoi",)
    assert plan.unknown_places == ()
    assert plan.years == (2021,)
    assert plan.answer_type == "other"
    assert plan.text == "What did Tháp Mười report in 2021?"
    assert plan.keyword_text.startswith(plan.text)


def test_plan_normalises_the_question(gazetteer):
    plan = plan_query("  Tổ hoà giải ở Tháp Mười hoà giải thành bao nhiêu vụ?  ", gazetteer)
    assert plan.question == "Tổ hòa giải ở Tháp Mười hòa giải thành bao nhiêu vụ?"
    assert plan.language == "vi" and plan.answer_type == "number"


# ---------------------------------------------------------------- follow-ups

FIRST = "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?"


def test_follow_up_with_a_new_year_inherits_place_and_topic(gazetteer):
    plan = plan_query("Còn năm 2022 thì sao?", gazetteer, history=[FIRST])
    assert plan.places == ("my loc",)
    assert plan.years == (2022,)
    assert plan.answer_type == "number"  # from the earlier question
    assert plan.question == "Còn năm 2022 thì sao?"
    assert plan.text.startswith("Còn năm 2022 thì sao?")
    assert "kết nạp bao nhiêu đảng viên mới" in plan.text  # the topic comes along
    assert "Mỹ Lộc" in plan.text


def test_follow_up_with_a_new_place_inherits_year_and_topic(gazetteer):
    plan = plan_query("Còn huyện Tháp Mười thì sao?", gazetteer, history=[FIRST])
    assert plan.places == ("thap muoi",)
    assert plan.years == (2021,)
    assert plan.answer_type == "number"
    assert "kết nạp bao nhiêu đảng viên mới" in plan.text


def test_english_follow_up(gazetteer):
    plan = plan_query("What about 2022?", gazetteer, history=[FIRST])
    assert (plan.language, plan.places, plan.years, plan.answer_type) == ("en", ("my loc",), (2022,), "number")


def test_follow_up_with_its_own_topic_inherits_only_constraints(gazetteer):
    plan = plan_query("Huyện đã kỷ luật bao nhiêu đảng viên?", gazetteer, history=[FIRST])
    assert plan.places == ("my loc",)
    assert plan.years == (2021,)
    assert "kết nạp" not in plan.text  # its own topic, not the earlier one
    assert plan.text.startswith("Huyện đã kỷ luật bao nhiêu đảng viên?")
    assert "Mỹ Lộc" in plan.text and "2021" in plan.text


def test_inheritance_takes_the_most_recent_turn_that_names_a_place(gazetteer):
    history = ["Huyện Tháp Mười năm 2021 kết nạp bao nhiêu đảng viên?", "Còn năm 2022 thì sao?"]
    plan = plan_query("Còn kỷ luật thì sao?", gazetteer, history=history)
    assert plan.places == ("thap muoi",)
    assert plan.years == (2022,)


def test_question_with_its_own_place_and_year_ignores_history(gazetteer):
    plan = plan_query("Huyện Cao Lãnh năm 2024 có bao nhiêu hợp tác xã tiêu biểu?", gazetteer, history=[FIRST])
    assert plan.places == ("cao lanh",)
    assert plan.years == (2024,)
    assert plan.text == "Huyện Cao Lãnh năm 2024 có bao nhiêu hợp tác xã tiêu biểu?"


def test_blank_history_turns_are_ignored(gazetteer):
    plan = plan_query("Huyện kết nạp bao nhiêu đảng viên?", gazetteer, history=["", "   "])
    assert plan.places == () and plan.years == ()
    assert plan.text == "Huyện kết nạp bao nhiêu đảng viên?"


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_empty_question_is_an_input_error(gazetteer, question):
    with pytest.raises(InputError, match="the question is empty"):
        plan_query(question, gazetteer)


def test_question_over_the_limit_is_an_input_error(gazetteer):
    question = "a" * (MAX_QUESTION_CHARS + 1)
    assert MAX_QUESTION_CHARS == 2000
    with pytest.raises(InputError) as info:
        plan_query(question, gazetteer)
    assert "2,001" in str(info.value) and "2,000" in str(info.value)


def test_question_at_the_limit_is_accepted():
    question = "Huyện Tháp Mười " + "a" * (MAX_QUESTION_CHARS - len("Huyện Tháp Mười "))
    assert len(question) == MAX_QUESTION_CHARS
    assert validate_question(question) == question


# ---------------------------------------------------------------- place names that are also words


@pytest.fixture(scope="module")
def orange_county() -> Gazetteer:
    """An encyclopedic corpus: 'quận Cam' (Orange County) makes 'Cam' a one-syllable district."""
    return Gazetteer.from_articles([Article(id="oc", title="", text="", place=Place("Cam", None)),
                                    Article(id="tm", title="", text="", place=Place("Tháp Mười", None))])


@pytest.mark.parametrize("question", [
    "Dược sĩ bị cấm làm gì?",                      # cấm is not Cam once accents count
    "Cam kết của chính phủ đối với công bằng là gì?",  # a one-syllable name needs an admin word
    "Ai cảm thấy cần phải thừa nhận điều gì?",
])
def test_a_word_that_folds_to_a_place_name_is_not_that_place(orange_county, question):
    assert named_places(question, orange_county) == ((), ())


@pytest.mark.parametrize("question", ["Dân số quận Cam là bao nhiêu?", "dan so quan cam la bao nhieu"])
def test_a_one_syllable_place_counts_after_an_admin_word(orange_county, question):
    assert named_places(question, orange_county)[0] == ("cam",)


@pytest.mark.parametrize(("question", "unknown"), [
    ("Nghị quyết về hòa bình thế giới nói gì?", ()),      # peace, not the province: no capitals
    ("Thái Bình Dương rộng bao nhiêu?", ()),               # the Pacific, not Thái Bình or Bình Dương
    ("Tỉnh Hòa Bình kết nạp bao nhiêu đảng viên?", ("Hòa Bình",)),
    ("hòa bình kết nạp bao nhiêu đảng viên", ("Hòa Bình",)),  # no capitals anywhere: taken as typed
    ("What did Hòa Bình Province report?", ("Hòa Bình",)),
    ("Tỉnh hoa binh kết nạp bao nhiêu đảng viên?", ("Hòa Bình",)),  # after "Tỉnh", capitals do not matter
])
def test_province_names_that_are_also_words(gazetteer, question, unknown):
    assert named_places(question, gazetteer)[1] == unknown
