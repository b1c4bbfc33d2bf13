"""Issue 12d: true sentences a person writes (other wording, a period before the count, a place bare text
leaves unstated, "gia tăng", "the first 6 months", "Directive No. 05") are supported, and a contrary word is
read against the thing it is said of. Each case failed before the change it tests; the sentences are written
here, not taken from any pair file."""

from __future__ import annotations

import pytest

from rag.cite.checker import split_answer
from rag.cite.contrary import contrary_reasons, polarities, tone_form
from rag.cite.slots import prepare_passage
from rag.cite.support import SupportChecker, _strength_reasons

PASSAGE = ("Công tác tuyên truyền, vận động nhân dân được tăng cường, đi vào chiều sâu, có trọng tâm, trọng điểm. "
           "Trong 9 tháng đầu năm 2023, toàn huyện kết nạp 85 quần chúng ưu tú vào Đảng. "
           "Bộ máy chính quyền cơ sở được sắp xếp, kiện toàn và hoạt động ổn định.")
TITLE = "Huyện Phú Tân tổng kết công tác xây dựng Đảng năm 2023"


@pytest.fixture(scope="module")
def lexical() -> SupportChecker:
    return SupportChecker()


@pytest.fixture(scope="module")
def with_e5(e5_embedder) -> SupportChecker:
    return SupportChecker(e5_embedder)


def check(checker, sentence, header=TITLE, passage=PASSAGE):
    return checker.check(sentence, [prepare_passage(passage, header)])


def test_a_period_before_the_count_is_not_a_count(lexical):
    v = check(lexical, "Huyện kết nạp 85 quần chúng ưu tú vào Đảng trong 9 tháng đầu năm 2023 [1].")
    assert v.supported, v.reasons


def test_a_place_bare_text_leaves_unstated_is_not_asked_of_its_words(lexical):
    passage = "Hệ thống chính trị được củng cố. Bộ máy chính quyền cơ sở được sắp xếp, kiện toàn và hoạt động ổn định."
    v = check(lexical, "Trong năm 2023, bộ máy huyện Phú Tân được kiện toàn [1].", header="", passage=passage)
    assert v.supported, v.reasons
    assert any("phu tan" in n for n in v.notes), v.notes


def test_gia_tang_is_tang():
    assert polarities(tone_form("số vụ vi phạm gia tăng"))[("change", "")] == {1}
    assert contrary_reasons(tone_form("số vụ vi phạm gia tăng"), [tone_form("số vụ vi phạm giảm mạnh")])


def test_a_contrary_word_is_read_against_the_thing_it_is_said_of():
    passage = tone_form("Huyện tiếp tục thực hiện kiêm nhiệm chức danh Trưởng Ban Tuyên giáo; dừng thực hiện mô hình "
                        "Trưởng Ban Dân vận đồng thời là Chủ tịch Ủy ban Mặt trận")
    wrong = tone_form("Huyện tiếp tục thực hiện mô hình Trưởng Ban Dân vận đồng thời là Chủ tịch Ủy ban Mặt trận")
    right = tone_form("Huyện tiếp tục thực hiện kiêm nhiệm chức danh Trưởng Ban Tuyên giáo")
    assert contrary_reasons(wrong, [passage])
    assert not contrary_reasons(right, [passage])


def test_the_first_six_months_in_digits_is_a_period_not_a_ranking():
    clauses = prepare_passage("Trong 6 tháng đầu năm 2024, huyện kết nạp 140 đảng viên.").clauses
    assert not _strength_reasons("In the first 6 months of 2024, the district admitted 140 members.", "en", clauses)
    assert _strength_reasons("The district admitted the first 140 members.", "en", clauses)


def test_no_dot_before_a_number_does_not_end_the_sentence():
    text = "The committee followed Directive No. 05 of the Politburo [1]. It met twice [2]."
    assert len(split_answer(text)) == 2


def test_a_paraphrase_is_supported_with_e5_and_not_by_words_alone(lexical, with_e5):
    sentence = "Công tác tuyên truyền, vận động nhân dân được chú trọng đẩy mạnh, đi vào chiều sâu, có trọng tâm, trọng điểm [1]."
    assert not check(lexical, sentence).supported
    v = check(with_e5, sentence)
    assert v.supported, v.reasons
    assert any("worded differently" in n for n in v.notes), v.notes


def test_an_invented_clause_still_fails_with_e5(with_e5):
    v = check(with_e5, "Công tác tuyên truyền, vận động nhân dân được tăng cường, đi vào chiều sâu, "
                       "đồng thời xây dựng thêm trường học mới cho con em đồng bào dân tộc [1].")
    assert not v.supported, v.notes


def test_a_wrong_fact_is_never_rescued_by_its_wording(with_e5):
    v = check(with_e5, "Trong 9 tháng đầu năm 2023, toàn huyện kết nạp 58 quần chúng ưu tú vào Đảng [1].")
    assert not v.supported


def test_checker_forms_gives_the_source_the_marker_the_sentence_cites():
    from eval.benchmarks.checker_forms import _marker

    assert _marker({"sentence": "Qua 1 năm thực hiện Nghị quyết số 01, nhận thức có chuyển biến [2]."}) == 2
    assert _marker({"sentence": "Không có dấu trích dẫn."}) == 1


def test_a_date_written_out_is_the_slashed_date(lexical):
    passage = "Ngày 19/8/2022, Ban Thường vụ Huyện ủy có buổi làm việc với Tổ khảo sát của Ban Dân vận Tỉnh ủy."
    v = check(lexical, "Ngày 19 tháng 8 năm 2022, Ban Thường vụ Huyện ủy làm việc với Tổ khảo sát của Ban Dân vận "
              "Tỉnh ủy [1].", header="", passage=passage)
    assert v.supported, v.reasons
    v = check(lexical, "Ngày 19 tháng 9 năm 2022, Ban Thường vụ Huyện ủy làm việc với Tổ khảo sát của Ban Dân vận "
              "Tỉnh ủy [1].", header="", passage=passage)
    assert not v.supported
