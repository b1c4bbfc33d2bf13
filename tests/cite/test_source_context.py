"""A source's context (title · date · place) supports a sentence's place, year and the names its title states,
not the other words of its title: a clause invented from the article's topic is not found in the title (12f)."""

from __future__ import annotations

import pytest

from rag.cite.slots import prepare_passage
from rag.cite.support import SupportChecker

PASSAGE = "Toàn huyện kết nạp 51 đảng viên mới, tặng huy hiệu đảng cho 243 đảng viên."
HEADER = "Mỹ Lộc: cưỡng chế đất rừng lấn chiếm, xử lý nghiêm cán bộ vi phạm · 2021-12-30 · Mỹ Lộc"


@pytest.fixture(scope="module")
def checker() -> SupportChecker:
    return SupportChecker(verifier=None)


def verdict(checker, sentence, header=HEADER, passage=PASSAGE):
    return checker.check(sentence, [prepare_passage(passage, header)])


@pytest.mark.parametrize("sentence", [
    "Năm 2021, huyện Mỹ Lộc kết nạp 51 đảng viên mới [1].",
    "Huyện Mỹ Lộc tặng huy hiệu đảng cho 243 đảng viên trong năm 2021 [1].",
    "Ngày 30/12/2021, Mỹ Lộc kết nạp 51 đảng viên mới [1].",
])
def test_the_context_supports_the_place_and_year(checker, sentence):
    v = verdict(checker, sentence)
    assert v.supported, v.reasons


@pytest.mark.parametrize("sentence", [
    "Năm 2021, huyện Mỹ Lộc kết nạp 51 đảng viên mới, đồng thời xử lý nghiêm cán bộ vi phạm đất rừng [1].",
    "Huyện kết nạp 51 đảng viên mới và cưỡng chế đất rừng lấn chiếm [1].",
])
def test_a_clause_found_only_in_the_title_is_not_supported(checker, sentence):
    v = verdict(checker, sentence)
    assert not v.supported, v.notes
    # the supported half of the sentence alone passes with the same context
    assert verdict(checker, sentence.split(", đồng thời")[0].split(" và ")[0] + " [1].").supported


def test_a_name_the_title_states_is_supported():
    header = "Trần Văn Hưng dự lễ kết nạp đảng viên · 2021-12-30 · Mỹ Lộc"
    v = SupportChecker(verifier=None).check("Theo Trần Văn Hưng, toàn huyện kết nạp 51 đảng viên mới [1].",
                                            [prepare_passage(PASSAGE, header)])
    assert v.supported, v.reasons


@pytest.mark.parametrize("title", [
    "Huyện ủy Mỹ Lộc tổng kết công tác xây dựng Đảng năm 2021",
    "UBND huyện Mỹ Lộc triển khai nhiệm vụ năm 2022",
    "Ban Thường vụ Huyện ủy Mỹ Lộc làm việc với các xã",
])
def test_the_body_of_a_place_the_title_names_is_supported(checker, title):
    # issue 12h: 12f counted only the place, so "Huyện ủy Mỹ Lộc kết nạp …" failed with the title as its context
    body = title.split(" Mỹ Lộc")[0]
    v = verdict(checker, f"{body} Mỹ Lộc kết nạp 51 đảng viên mới [1].", header=f"{title} · 2021-12-30 · Mỹ Lộc")
    assert v.supported, v.reasons


def test_a_body_word_the_title_does_not_attach_to_its_place_is_not_supported():
    from rag.cite.context import context_form

    form = context_form("Mỹ Lộc: Huyện đoàn tổng kết năm 2021 · 2021-12-30 · Mỹ Lộc")
    assert "doan" not in form.split() and "mi loc" in form


@pytest.mark.parametrize("lead", ["Theo bài “{t}” (Mỹ Lộc): ", "Bài “{t}” (2021-12-30, Mỹ Lộc) cho biết: "])
def test_a_sentence_that_quotes_its_title_is_supported(checker, lead):
    # the answerer names the article it quotes by its title: the title's words are then the source's words
    sentence = lead.format(t=HEADER.split(" · ")[0]) + "Kết nạp 51 đảng viên mới [1]."
    v = verdict(checker, sentence)
    assert v.supported, v.reasons
    # a quotation of a few of the title's topic words is not the title
    assert not verdict(checker, "Huyện kết nạp 51 đảng viên mới và “cưỡng chế đất rừng” [1].").supported
