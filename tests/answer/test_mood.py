"""The directive mood (rag.answer.mood) with pyvi's real tagger: tasks open with their verb, results with
what they are about."""

import pytest

from rag.answer.mood import is_directive


@pytest.mark.parametrize("task", [
    "Nâng cao năng lực lãnh đạo, sức chiến đấu của các cấp ủy, tổ chức đảng.",
    "Đổi mới, nâng cao chất lượng công tác tuyên giáo.",
    "Chấp hành nguyên tắc, chế độ sinh hoạt đảng",
    "Phát huy khối đại đoàn kết toàn dân tộc",
    "Tăng cường công tác quốc phòng",
    "Đồng thời, tăng cường kiểm tra",  # after a comma-set adverbial
])
def test_a_task_stated_as_an_order_is_directive(task):
    assert is_directive(task)


@pytest.mark.parametrize("statement", [
    "Hệ thống chính trị được củng cố, kiện toàn và hoạt động đi vào nền nếp",
    "Ban Thường vụ Huyện ủy đã lãnh đạo triển khai học tập",
    "Bộ Quốc phòng và Bộ Công an xây dựng kế hoạch",
    "Sáng 12/7, ông Huỳnh Đức Thơ",
    "",
])
def test_a_statement_naming_its_subject_first_is_not(statement):
    assert not is_directive(statement)
