"""HTML rendering of answers and sources: linked markers with quote tooltips, unsupported sentences
marked, quotes highlighted in their paragraph, and every article text escaped."""

from __future__ import annotations

import pytest

from rag.schema import Answer, Article, Citation, Place

from ui import render
from ui.i18n import LABELS, examples, t


def test_article_text_is_escaped():
    article = Article(id="x<1>", title="Tiêu đề <script>alert(1)</script>", date="2022-03-05",
                      place=Place("Hồng Ngự"), text="Đoạn một có <b>thẻ</b> & ký tự.\n\nĐoạn <script>evil()</script> hai.")
    citation = Citation(1, "x<1>", "x<1>#0", article.title, article.date, "Hồng Ngự", "Đoạn <script>evil()</script> hai.", True)
    answer = Answer(question="q", text="Theo bài: “<script>evil()</script>” [1].", answerable=True,
                    citations=(citation,), hits=(), timings_ms={})
    html = render.sources_html(answer, {article.id: article}, "vi") + render.answer_html(answer, "vi")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;evil()&lt;/script&gt;" in html and "&lt;b&gt;thẻ&lt;/b&gt; &amp; ký tự" in html
    assert 'data-article="x&lt;1&gt;"' in html and "5/3/2022" in html
    assert render.user_html("<img src=x onerror=alert(1)>") == '<div class="question">&lt;img src=x onerror=alert(1)&gt;</div>'
    assert "<script>" not in render.upload_report_html([], [], [("<script>.txt", "bad <b>")], ["<i>"], "vi")


def test_marker_tooltip_holds_the_escaped_quote():
    citation = Citation(2, "a", "a#0", 'Tựa "đề"', None, "", 'Trích "dẫn" <x>', None)
    answer = Answer(question="q", text="Câu trả lời [2].", answerable=True, citations=(citation,), hits=(), timings_ms={})
    html = render.answer_html(answer, "vi", turn=3)
    assert 'href="#src-3-2"' in html and 'title="Tựa &quot;đề&quot; — “Trích &quot;dẫn&quot; &lt;x&gt;”"' in html


@pytest.mark.parametrize("paragraph, quote, found", [
    ("Năm 2021, huyện kết nạp 186 đảng viên mới.", "huyện kết nạp 186 đảng viên mới.", "huyện kết nạp 186 đảng viên mới."),
    ("Năm 2021, huyện kết nạp 186 đảng viên mới; đạt 112%.", "huyện kết nạp 186 đảng viên mới.", "huyện kết nạp 186 đảng viên mới"),
    ("Năm 2021,  huyện kết\nnạp 186 đảng viên.", "Năm 2021, huyện kết nạp 186", "Năm 2021,  huyện kết\nnạp 186"),
    ("Một đoạn khác.", "không có ở đây", None),
])
def test_locate_quote(paragraph, quote, found):
    span = render.locate_quote(paragraph, quote)
    assert (paragraph[span[0]:span[1]] if span else None) == found


def test_split_answer_keeps_quotes_and_markers_together():
    text = "Theo bài “A”: “Câu một. Câu hai” [1]. Câu ba [2]. Câu bốn."
    assert render.split_answer(text) == ["Theo bài “A”: “Câu một. Câu hai” [1].", "Câu ba [2].", "Câu bốn."]


def test_declined_answer_has_no_cards():
    answer = Answer(question="q", text="Tôi không tìm thấy câu trả lời.", answerable=False, citations=(), hits=(), timings_ms={})
    assert "declined" in render.answer_html(answer, "vi")
    assert "source-card" not in render.sources_html(answer, {}, "vi")


def test_labels_exist_in_both_languages():
    assert set(LABELS["vi"]) == set(LABELS["en"])
    assert t("en", "new_chat") == "New chat" and t("xx", "new_chat") == t("vi", "new_chat")
    qs = examples("vi")
    assert any("huyện" in q for q in qs) and any(q.startswith("What did Tháp Mười") for q in qs)




def test_llm_style_answers_keep_lines_and_grouped_markers():
    cites = tuple(Citation(n, "a", "a#0", "Tựa", None, "", f"trích {n}", True) for n in (1, 2))
    answer = Answer(question="q", text="- Điểm một [1, 2].\n- Điểm hai không có nguồn nào nhưng khá dài dòng ở đây.",
                    answerable=True, citations=cites, hits=(), timings_ms={})
    html = render.answer_html(answer, "vi")
    assert html.count('<a class="cite"') == 2 and 'href="#src-0-2"' in html
    assert html.count("<li>") == 2 and "sent-uncited" in html and "\n" not in html  # bullets are a list (issue 11)


def test_card_without_the_article_in_the_index_uses_the_citation():
    citation = Citation(1, "gone", "gone#0", "Bài đã xoá", "2021-05-01", "Mỹ Lộc", "một câu", None)
    answer = Answer(question="q", text="Câu [1].", answerable=True, citations=(citation,), hits=(), timings_ms={})
    html = render.sources_html(answer, {}, "en")
    assert "Bài đã xoá" in html and "một câu" in html and "Not checked" in html and "<details" not in html


def test_bullets_render_as_a_list_with_marker_tooltips_and_one_card_per_article():
    a = Article(id="a", title="Bài A", date="2021-01-12", place=Place("Tháp Mười"), text="Đoạn <b>một</b>.\n\nĐoạn hai.")
    b = Article(id="b", title="Bài B", date="2021-03-16", place=Place("Tháp Mười"), text="Đoạn ba.")
    cites = (Citation(1, "a", "a#0", "Bài A", a.date, "Tháp Mười", "Đoạn <b>một</b>.", True),
             Citation(2, "a", "a#0", "Bài A", a.date, "Tháp Mười", "Đoạn hai.", True),
             Citation(3, "b", "b#0", "Bài B", b.date, "Tháp Mười", "Đoạn ba.", False))
    text = ("Tổng hợp từ 2 bài viết, các tin chính:\n“Bài A” (12/1/2021, Tháp Mười):\n- Đoạn <b>một</b> [1].\n"
            "- Đoạn hai [2].\n“Bài B” (16/3/2021, Tháp Mười):\n- Đoạn ba [3].")
    answer = Answer(question="q", text=text, answerable=True, citations=cites, hits=(), timings_ms={})
    html = render.answer_html(answer, "vi", turn=1)
    assert html.count('<ul class="points">') == 2 and html.count("<li>") == 3
    assert 'href="#src-1-1"' in html and 'href="#src-1-3"' in html and "<b>" not in html
    assert "\n\n" not in html
    sources = render.sources_html(answer, {"a": a, "b": b}, "vi", turn=1)
    assert sources.count('data-article="a"') == 1 and sources.count('data-article="b"') == 1
