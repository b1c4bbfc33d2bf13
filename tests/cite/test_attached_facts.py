"""Issue 12c: fabrications that keep every number, name and word of the passage and change what they are
attached to (a count moved to another thing of the same sentence, a total given to one level, a contrary
word instead of "không", a deputy's office given to the head, an invented clause), and a true sentence whose
evidence runs over two neighbouring passages. Each case failed before the change it tests."""

from __future__ import annotations

import pytest

from rag.cite.contrary import contrary_reasons, polarities, tone_form
from rag.cite.slots import prepare_passage
from rag.cite.support import SupportChecker

PASSAGE = ("Năm 2021, toàn Đảng bộ huyện Mỹ Lộc thi hành kỷ luật 40 đảng viên. 36 đảng viên bị kỷ luật khiển trách, "
           "5 đồng chí bị khai trừ khỏi Đảng. Dự án đường tỉnh 486B tạm dừng thi công vì vướng mặt bằng. "
           "Thu ngân sách trên địa bàn tăng 12% so với năm 2020. Huyện chưa hoàn thành chỉ tiêu giải ngân vốn đầu tư công. "
           "Phó Bí thư Huyện ủy phát biểu chỉ đạo hội nghị. Đồng chí Trần Văn Hưng trình bày báo cáo chính trị.")


@pytest.fixture(scope="module")
def checker() -> SupportChecker:
    return SupportChecker()


def check(checker, sentence, *passages):
    return checker.check(sentence, [prepare_passage(p) for p in (passages or (PASSAGE,))])


@pytest.mark.parametrize("sentence", [
    "Năm 2021, toàn Đảng bộ huyện Mỹ Lộc thi hành kỷ luật 40 đảng viên [1].",
    "36 đảng viên bị kỷ luật khiển trách, 5 đồng chí bị khai trừ khỏi Đảng [1].",
    "Dự án đường tỉnh 486B tạm dừng thi công vì vướng mặt bằng [1].",
    "Thu ngân sách trên địa bàn tăng 12% so với năm 2020 [1].",
    "Huyện chưa hoàn thành chỉ tiêu giải ngân vốn đầu tư công [1].",
    "Phó Bí thư Huyện ủy phát biểu chỉ đạo hội nghị [1].",
])
def test_the_passage_as_written_is_supported(checker, sentence):
    v = check(checker, sentence)
    assert v.supported, v.reasons


@pytest.mark.parametrize("sentence", [
    "36 đảng viên bị khai trừ khỏi Đảng [1].",  # 36 were disciplined, 5 expelled
    "5 đảng viên bị kỷ luật khiển trách, 36 đồng chí bị khai trừ khỏi Đảng [1].",
])
def test_number_moved_to_another_thing_of_the_same_sentence(checker, sentence):
    assert not check(checker, sentence).supported


def test_total_of_all_levels_given_to_one_level(checker):
    v = check(checker, "Năm 2021, cấp cơ sở ở huyện Mỹ Lộc thi hành kỷ luật 40 đảng viên [1].")
    assert not v.supported and any("cấp cơ sở" in r for r in v.reasons), v.reasons


@pytest.mark.parametrize("sentence", [
    "Dự án đường tỉnh 486B tiếp tục thi công dù vướng mặt bằng [1].",
    "Thu ngân sách trên địa bàn giảm 12% so với năm 2020 [1].",
    "Huyện đã hoàn thành chỉ tiêu giải ngân vốn đầu tư công [1].",
])
def test_contrary_word_without_a_negator(checker, sentence):
    v = check(checker, sentence)
    assert not v.supported and any("contrary" in r or "negation" in r for r in v.reasons), v.reasons


def test_contrary_class_reads_words_not_syllables():
    # "tăng cường" strengthens, "gia tăng" is "tăng"; a negator flips the sign; "Hà" (a name) is not "hạ"
    assert polarities(tone_form("tăng cường kiểm tra")) == {}
    assert polarities(tone_form("Hà Nội và tầng hầm")) == {}
    assert polarities(tone_form("chưa đạt chuẩn"))[("outcome", "")] == {-1}
    assert contrary_reasons(tone_form("nhằm nâng áp lực giao thông, giảm quá tải"),
                            [tone_form("nhằm giảm áp lực giao thông, giảm quá tải")])


def test_deputy_office_with_nobody_named_given_to_a_person_as_head(checker):
    v = check(checker, "Đồng chí Trần Văn Hưng - Bí thư Huyện ủy phát biểu chỉ đạo hội nghị [1].")
    assert not v.supported, v.reasons
    v = check(checker, "Bí thư Huyện ủy phát biểu chỉ đạo hội nghị [1].")
    assert not v.supported, v.reasons


def test_invented_clause_with_the_articles_words(checker):
    v = check(checker, "Thu ngân sách trên địa bàn tăng 12% so với năm 2020, đồng thời huyện kết nạp "
                       "thêm nhiều đảng viên trẻ ở các chi bộ nông thôn [1].")
    assert not v.supported, v.reasons


def test_evidence_over_two_neighbouring_passages_is_supported(checker):
    first = "Hội nghị tổng kết năm 2021 diễn ra sáng nay. Huyện ủy Mỹ Lộc đã kết nạp 51 đảng viên mới trong năm."
    second = "Các chi bộ cơ sở được giao nhiệm vụ bồi dưỡng quần chúng ưu tú. Đại hội sẽ họp vào tháng 3."
    sentence = ("Huyện ủy Mỹ Lộc đã kết nạp 51 đảng viên mới trong năm, các chi bộ cơ sở được giao nhiệm vụ "
                "bồi dưỡng quần chúng ưu tú [1][2].")
    v = check(checker, sentence, first, second)
    assert v.supported, v.reasons
    assert not check(checker, sentence, first).supported  # one of them alone does not hold it


def test_counts_given_to_each_others_places(checker):
    passage = ("Mức học phí là 85.000 đồng/tháng đối với nhóm 1 và 100.000 đồng/tháng đối với nhóm 2. "
               "Kỷ niệm 50 năm thành lập huyện.")
    assert check(checker, "Mức học phí là 85.000 đồng/tháng đối với nhóm 1 và 100.000 đồng/tháng đối với nhóm 2 [1].",
                 passage).supported
    v = check(checker, "Mức học phí là 85.000 đồng/tháng đối với nhóm 2 và 100.000 đồng/tháng đối với nhóm 1 [1].", passage)
    assert not v.supported, v.reasons
    # "năm" after a count is years, not a second count of five
    v = check(checker, "Kỷ niệm năm mươi năm thành lập huyện [1].", passage)
    assert v.supported, v.reasons


def test_an_office_written_only_for_a_deputy_is_not_the_heads(checker):
    passage = "Ông Thanh xin tạm nghỉ để điều trị. Thời gian này, công việc được tạm giao cho một phó chủ tịch xã."
    assert check(checker, "Công việc được tạm giao cho một phó chủ tịch xã [1].", passage).supported
    assert not check(checker, "Công việc được tạm giao cho một chủ tịch xã [1].", passage).supported
