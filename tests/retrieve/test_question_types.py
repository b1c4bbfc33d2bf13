"""Question types in Vietnamese and English, with and without diacritics."""

import pytest

from rag.retrieve.planning import answer_type
from rag.retrieve.planning import Gazetteer, plan_query
from rag.retrieve.question_types import QUESTION_TYPES, outside_quotes, question_type, without_cues
from rag.schema import Article, Place


@pytest.mark.parametrize("question, expected", [
    ("Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?", "factoid"),
    ("Ai là Bí thư Huyện ủy Tháp Mười?", "factoid"),
    ("What did Tháp Mười report in 2021?", "report"),
    ("Năm 2021 huyện Mỹ Lộc đạt những kết quả gì trong công tác xây dựng Đảng?", "report"),
    ("nam 2021 huyen my loc dat nhung ket qua gi", "report"),
    ("Bài báo “Huyện ủy Mỹ Lộc tổng kết năm 2021” đưa tin gì?", "report"),
    ("Tình hình công tác dân vận ở Tháp Mười thế nào?", "report"),
    ("Nhiệm vụ, phương hướng năm 2022 của Huyện ủy Tháp Mười là gì?", "plan"),
    ("nhiem vu phuong huong nam 2022 cua thap muoi", "plan"),
    ("What are Mỹ Lộc's priorities for 2022?", "plan"),
    ("Ai dự hội nghị tổng kết của Mỹ Lộc?", "list"),
    ("Những cán bộ nào bị kỷ luật?", "list"),
    ("Which leaders attended the Mỹ Lộc review conference?", "list"),
    ("So sánh kết quả năm 2021 của Tháp Mười và Mỹ Lộc", "comparison"),
    ("Compare Tháp Mười and Mỹ Lộc in 2021", "comparison"),
    ("Tháp Mười năm 2022 có gì mới?", "digest"),
    ("What happened in Tháp Mười in 2021?", "digest"),
    ("How many articles are about Tháp Mười?", "collection"),
    ("Có bao nhiêu bài viết về Tháp Mười?", "collection"),
    ("co bao nhieu bai viet ve thap muoi", "collection"),
    ("Who wrote the Tháp Mười articles?", "collection"),
    ("Đồng Tháp có những huyện nào được nhắc tới?", "collection"),
])
def test_question_types(question, expected):
    kind = question_type(question, answer_type(question))
    assert kind in QUESTION_TYPES
    assert kind == expected


def test_without_cues_keeps_the_topic_with_its_accents_and_capitals():
    assert without_cues("What did Tháp Mười report in 2021?") == "Tháp Mười in 2021?"
    assert "kết quả" not in without_cues("Năm 2021 huyện Mỹ Lộc đạt những kết quả gì?")
    assert "Mỹ Lộc" in without_cues("Năm 2021 huyện Mỹ Lộc đạt những kết quả gì?")



@pytest.mark.parametrize("title", [
    "Cục Hải quan TP. HCM quyết tâm hoàn thành nhiệm vụ năm 2018",  # "nhiệm vụ" is a plan cue
    "Bao nhiêu giáo viên dôi dư sẽ bị thanh lý hợp đồng",  # "bao nhiêu" asks for a number
    "Những ai được bổ nhiệm ở Sơn La",  # "những ai" asks for a list
])
def test_a_quoted_title_does_not_decide_the_type(title):
    gazetteer = Gazetteer.from_articles([Article(id="a", title="", text="", place=Place("Sơn La", None))])
    for question in (f"Bài báo “{title}” đưa tin gì?", f"What does the article “{title}” report?"):
        assert plan_query(question, gazetteer).question_type == "report"


def test_a_question_whose_only_cues_are_quoted_still_reads_them():
    gazetteer = Gazetteer.from_articles([Article(id="a", title="", text="", place=Place("Tháp Mười", None))])
    assert outside_quotes("“Nhiệm vụ năm 2022 của Tháp Mười”?").strip() == "?"
    assert plan_query("“Nhiệm vụ năm 2022 của Tháp Mười”?", gazetteer).question_type == "plan"


# Issue 11f: plural question words and verbs of reporting (phrased unlike any question set's wording).
@pytest.mark.parametrize("question, expected", [
    # a verb of reporting whose object is the plural question: a report, even with a figure noun
    ("Sở Tài chính đã báo cáo những chỉ số kinh tế nào về thu ngân sách?", "report"),
    ("so tai chinh da bao cao nhung chi so kinh te nao ve thu ngan sach", "report"),
    ("Đoàn giám sát ghi nhận những gì ở huyện Lấp Vò?", "report"),
    ("doan giam sat ghi nhan nhung gi o huyen lap vo", "report"),
    ("Which figures did the provincial statistics office give for 2023?", "report"),
    ("With which cases did the inspection team deal last year?", "report"),
    # several things asked for with a plural question word outranks the one-number or one-date reading
    ("Hội đồng nhân dân huyện thông qua những con số nào về thu nhập bình quân?", "list"),
    ("Năm nay huyện Thanh Bình đã làm được những việc gì cho nông dân?", "report"),
    ("nam nay huyen thanh binh da lam duoc nhung viec gi cho nong dan", "report"),
    # "sẽ … những … gì" and the plural "những ưu tiên" ask for plans
    ("Thời gian tới Ban Thường vụ sẽ tập trung vào những nhiệm vụ trọng tâm gì?", "plan"),
    ("thoi gian toi xa se trien khai nhung cong trinh gi", "plan"),
    ("Những ưu tiên của tỉnh trong năm tới?", "plan"),
    # one thing asked for stays factoid: a singular question word, or the plural inside another clause
    ("Việc cấp mã số vùng trồng được ghi nhận lần đầu vào năm nào?", "factoid"),
    ("Xã đã chi trả các khoản hỗ trợ bằng gì?", "factoid"),
    ("Tên của hợp tác xã mà các hộ dân tham gia là gì?", "factoid"),
    ("Các chi bộ là gì?", "factoid"),
    ("Theo đánh giá năm 2022, huyện dẫn đầu về điều gì?", "factoid"),
    ("Có bao nhiêu đảng viên được kết nạp?", "factoid"),
])
def test_plural_question_words_and_reporting_verbs(question, expected):
    assert question_type(question, answer_type(question)) == expected


def test_without_cues_keeps_the_noun_a_plural_question_asks_about():
    topic = without_cues("Đoàn giám sát đã ghi nhận những chuyển biến tích cực gì ở Lấp Vò?")
    assert "ghi nhận" in topic and "chuyển biến tích cực" in topic  # the verb stays: articles write it
    assert "những" not in topic and "gì" not in topic
    # "những … nào" still drops its noun, as before issue 11f
    assert "chỉ số" not in without_cues("Sở Tài chính đã báo cáo những chỉ số kinh tế nào về thu ngân sách?")
    # "nhũng" of "tham nhũng" folds to "nhung" like "những": only the cue's own question words go
    topic = without_cues("Ban chỉ đạo phòng, chống tham nhũng sẽ ưu tiên làm những việc gì?")
    assert "tham nhũng" in topic and "việc" in topic and "gì" not in topic
    # a dropped verb must not join two capitalised names into one ("Lê Văn An ghi nhận Ban …")
    assert "ghi nhận" in without_cues("Lê Văn An ghi nhận Ban chỉ đạo đã đạt những kết quả gì?")
