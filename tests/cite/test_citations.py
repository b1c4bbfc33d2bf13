"""Citation markers, Vietnamese fact normalisation, the support checker and ALCE recall/precision.

Pure logic: no model is loaded (the checker runs lexical-only here; e5 is exercised by the CLI tests).
"""

from __future__ import annotations

import pytest

from rag.cite.facts import DateFact, extract_facts, find_dates, number_key
from rag.cite.text import match_form, sentence_language
from rag.cite.slots import prepare_passage
from rag.cite.support import SupportChecker
from rag.cite.checker import (MarkerRewriter, check_answer, is_decline, make_pipeline_checker, markers_in,
                           parse_marker, renumber, split_answer)
from rag.schema import Chunk, Citation, Hit, Place

PASSAGE = (
    "Huyện ủy Mỹ Lộc vừa tổ chức hội nghị tổng kết năm 2021. Tới dự có đ/c Lê Minh Quang- Phó Bí thư Tỉnh ủy; "
    "đ/c Đỗ Thị Hạnh- Bí thư HU. Năm 2021, toàn huyện kết nạp 47 đảng viên mới, đạt 117% kế hoạch; "
    "tặng huy hiệu đảng cho 120 đảng viên; thi hành kỷ luật 9 đảng viên, trong đó khai trừ 2 đảng viên. "
    "Năm 2022, Huyện ủy đề ra mục tiêu kết nạp 50 đảng viên mới và hoàn thành sáp nhập thôn, xóm."
)


@pytest.fixture(scope="module")
def checker() -> SupportChecker:
    return SupportChecker()


def supported(checker: SupportChecker, sentence: str, passage: str = PASSAGE) -> bool:
    return checker.check(sentence, [prepare_passage(passage)]).supported


# ---------------------------------------------------------------- markers


@pytest.mark.parametrize("body, expected", [("1", [1]), ("1, 3", [1, 3]), ("1-3", [1, 2, 3]), ("2–4; 7", [2, 3, 4, 7]),
                                            ("3, 3", [3]), ("1-300", [1, 300])])
def test_parse_marker(body, expected):
    assert parse_marker(body) == expected


def test_markers_in_reads_every_form():
    assert markers_in("A [1]. B [2][3]. C [1, 4]. D [5-6].") == [1, 2, 3, 4, 5, 6]


def test_renumber_orders_by_first_use_and_drops_unknown_sources():
    result = renumber("Có 47 người [3]. Kỷ luật 9 người [1, 3]. Sai [7]. Tiếp [2-3].", 3)
    assert result.text == "Có 47 người [1]. Kỷ luật 9 người [2][1]. Sai. Tiếp [3][1]."
    assert result.mapping == {3: 1, 1: 2, 2: 3}
    assert result.removed == (7,)


def test_marker_rewriter_matches_renumber_whatever_the_pieces():
    text = "Năm 2021 có 47 đảng viên [3]. Kỷ luật 9 người [1, 3][9]. Xong [2-3]."
    for size in (1, 2, 3, 5, 8):
        rewriter = MarkerRewriter(3)
        out = "".join(rewriter.feed(text[i:i + size]) for i in range(0, len(text), size)) + rewriter.flush()
        assert out.replace(" .", ".") == renumber(text, 3).text


def test_split_answer_keeps_a_marker_after_the_full_stop_with_its_sentence():
    assert split_answer("Kết nạp 47 đảng viên. [1] Kỷ luật 9 đảng viên [2].") == [
        "Kết nạp 47 đảng viên [1].", "Kỷ luật 9 đảng viên [2]."]


def test_decline_detection():
    assert is_decline("Tôi không tìm thấy câu trả lời cho câu hỏi này trong các bài viết đã lập chỉ mục.")
    assert is_decline("I could not find the answer to this question in the indexed articles.")
    assert not is_decline("Năm 2021, huyện kết nạp 47 đảng viên mới [1].")


# ---------------------------------------------------------------- normalisation


def test_numbers_and_dates_compare_after_normalisation():
    assert number_key("52.342") == number_key("52,342") == "52342"
    assert number_key("95,6") == number_key("95.6")
    assert number_key("07") == "7"
    dates, _ = find_dates("Ngày 12/01/2021 và on 12 January 2021 và 2021-01-12")
    assert dates and all(d.matches(DateFact(12, 1, 2021)) for d in dates) and len(dates) == 3
    assert match_form("Khánh Hoà") == match_form("Khánh Hòa")
    assert match_form("qui chế") == match_form("quy chế")


def test_facts_of_a_sentence():
    facts = extract_facts("Bí thư Huyện ủy Tháp Mười Trần Văn Hưng nói ngày 19/8/2022 có 52.342/54.731 hộ "
                          "(95,6%), Covid-19, nhiệm kỳ 2021-2026.", "vi")
    assert facts.dates == (DateFact(19, 8, 2022),)
    assert facts.numbers == ("52342", "54731", "956")  # not 19 (Covid-19), not the date's parts
    assert facts.years == (2021, 2026)
    assert facts.names == ("thap muoi", "tran van hung") and facts.persons == ("tran van hung",)


def test_sentence_language_is_not_fooled_by_vietnamese_names():
    assert sentence_language("Attending were Trần Văn Hưng, Trần Quốc Lập and Phạm Văn Long of Mỹ Lộc.") == "en"
    assert sentence_language("Năm 2021, huyện Mỹ Lộc kết nạp 47 đảng viên mới.") == "vi"


# ---------------------------------------------------------------- the checker


@pytest.mark.parametrize("sentence", [
    "Năm 2021, Huyện ủy Mỹ Lộc kết nạp 47 đảng viên mới [1].",
    "Trong năm 2021, huyện Mỹ Lộc thi hành kỷ luật 9 đảng viên, khai trừ 2 đảng viên [1].",
    "In 2021, Mỹ Lộc district admitted 47 new party members, 117% of the plan [1].",
    "Đồng chí Đỗ Thị Hạnh, Bí thư Huyện ủy, tới dự hội nghị [1].",
])
def test_supported_sentences(checker, sentence):
    assert supported(checker, sentence)


@pytest.mark.parametrize("sentence, reason", [
    ("Năm 2021, Huyện ủy Mỹ Lộc kết nạp 74 đảng viên mới [1].", "number 74"),  # fabricated number
    ("Năm 2021, Huyện ủy Mỹ Lộc kết nạp 120 đảng viên mới [1].", "not the number"),  # 120 counts badges
    ("Năm 2022, Huyện ủy Mỹ Lộc kết nạp 47 đảng viên mới [1].", "not 2022"),  # 47 is 2021's figure
    ("Năm 2021, Huyện ủy Tháp Mười kết nạp 47 đảng viên mới [1].", "thap muoi"),  # wrong place
    ("Đồng chí Lê Minh Quang, Bí thư Huyện ủy, tới dự hội nghị [1].", "belongs to"),  # wrong person
    ("Năm 2021, Huyện ủy Mỹ Lộc đã hoàn thành sáp nhập thôn, xóm [1].", "not 2021"),  # a plan for 2022
    ("Năm 2021, Huyện ủy Mỹ Lộc đã hoàn thành kết nạp 47 đảng viên mới [1].", "completion"),
    ("Ngày 12/01/2021, Huyện ủy Mỹ Lộc tổ chức hội nghị tổng kết [1].", "date 12/1/2021"),
])
def test_unsupported_sentences_say_why(checker, sentence, reason):
    verdict = checker.check(sentence, [prepare_passage(PASSAGE)])
    assert not verdict.supported
    assert any(reason in r for r in verdict.reasons), verdict.reasons


def test_entailment_model_can_veto(checker):
    strict = SupportChecker(entailment=lambda premise, hypothesis: 0.1)
    sentence = "Năm 2021, Huyện ủy Mỹ Lộc kết nạp 47 đảng viên mới [1]."
    assert supported(checker, sentence) and not supported(strict, sentence)


# ---------------------------------------------------------------- answers: ALCE recall and precision


def test_check_answer_recall_and_precision(checker):
    other = "Huyện Cao Lãnh trồng 4.100 ha xoài."
    sources = {1: prepare_passage(PASSAGE), 2: prepare_passage(other)}
    answer = ("Năm 2021, Huyện ủy Mỹ Lộc kết nạp 47 đảng viên mới [1][2]. "
              "Huyện Cao Lãnh có 4.100 ha xoài [2]. Huyện kỷ luật 90 đảng viên [1]. Không có nguồn cho câu này.")
    result = check_answer(answer, sources, checker)
    assert [s.supported for s in result.sentences] == [True, True, False, False]
    assert result.citation_recall == pytest.approx(2 / 4)
    # pairs: (s1,[1]) helps, (s1,[2]) does not, (s2,[2]) helps, (s3,[1]) does not
    assert result.citation_precision == pytest.approx(2 / 4)
    assert result.citations == {1: False, 2: False}
    out = result.to_dict("c1")
    assert out["id"] == "c1" and out["sentences"][0]["markers"] == [1, 2]


def test_a_citation_is_precise_when_the_sentence_needs_it(checker):
    sources = {1: prepare_passage("Năm 2021, huyện Mỹ Lộc kết nạp 47 đảng viên mới."),
               2: prepare_passage("Năm 2021, huyện Mỹ Lộc thi hành kỷ luật 9 đảng viên.")}
    result = check_answer("Năm 2021, huyện Mỹ Lộc kết nạp 47 đảng viên mới và kỷ luật 9 đảng viên [1][2].",
                          sources, checker)
    assert result.sentences[0].supported and result.citation_precision == 1.0


def test_unknown_marker_and_decline(checker):
    result = check_answer("Kết nạp 47 đảng viên mới [3].", {1: prepare_passage(PASSAGE)}, checker)
    assert result.sentences[0].supported is False and result.citations == {3: False}
    refusal = check_answer("Tôi không tìm thấy câu trả lời cho câu hỏi này.", {}, checker)
    assert refusal.sentences[0].supported is None and refusal.citation_recall is None


def _chunk(text: str, cid: str = "myloc#0") -> Chunk:
    return Chunk(id=cid, article_id=cid.split("#")[0], ordinal=0, text=text, sentences=(text,),
                 title="Huyện ủy Mỹ Lộc tổng kết năm 2021", date="2021-12-30", place=Place("Mỹ Lộc"),
                 years=(2021,), n_tokens=50)


def test_pipeline_checker_sets_supported_on_extractive_style_answers():
    chunk = _chunk(PASSAGE)
    quote = "Năm 2021, toàn huyện kết nạp 47 đảng viên mới, đạt 117% kế hoạch"
    citation = Citation(1, chunk.article_id, chunk.id, chunk.title, chunk.date, "Mỹ Lộc", quote)
    text = f"Theo bài “{chunk.title}” (30/12/2021, Mỹ Lộc): {quote} [1]."
    check = make_pipeline_checker()
    assert check(text, [citation], [Hit(chunk, 1.0)])[0].supported is True
    wrong = text.replace("47", "470")
    assert check(wrong, [citation], [Hit(chunk, 1.0)])[0].supported is False
    # the chunk is not among the hits: its quote and metadata stand for it
    assert check(text, [citation], [])[0].supported is True
    assert check("Không trích dẫn.", [], [Hit(chunk, 1.0)]) == ()
