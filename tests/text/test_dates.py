"""rag.text.dates: the years a question restricts to, every year a text mentions, how dates are shown."""

from __future__ import annotations

import pytest

from rag.text.dates import display_date, question_years, years_mentioned


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?", (2021,)),
        ("6 tháng đầu năm 2024 huyện Cao Lãnh kết nạp bao nhiêu đảng viên?", (2024,)),
        ("What did Tháp Mười report in 2021?", (2021,)),
        ("nam 2022 thap muoi lam duoc bao nhieu cay cau", (2022,)),
        ("Từ năm 2021 đến năm 2023 huyện kết nạp bao nhiêu đảng viên?", (2021, 2022, 2023)),
        ("tu nam 2021 den nam 2022", (2021, 2022)),
        ("How many members were admitted from 2021 to 2023?", (2021, 2022, 2023)),
        ("between 2021 and 2022", (2021, 2022)),
        ("giai đoạn 2021-2023", (2021, 2022, 2023)),
        ("giai đoạn 2021 – 2023", (2021, 2022, 2023)),
        ("Năm 2021 và năm 2024", (2021, 2024)),
        ("Huyện kết nạp bao nhiêu đảng viên?", ()),
        ("Huyện có 52.342 hội viên và 1.250 ha sen?", ()),
    ],
)
def test_question_years(question, years):
    assert question_years(question) == years


@pytest.mark.parametrize(
    "question",
    ["Đại hội nhiệm kỳ 2021-2026 bầu bao nhiêu ủy viên?", "nhiem ky 2021 - 2026 co bao nhieu dai bieu",
     "Ban Chấp hành khóa 2020–2025 có mấy ủy viên?", "Ban Chấp hành khoá 2020-2025", "the term 2020-2025"],
)
def test_term_of_office_is_not_a_year_filter(question):
    assert question_years(question) == ()


def test_term_plus_a_year_keeps_only_the_year():
    assert question_years("Năm 2022, Đảng bộ nhiệm kỳ 2020 - 2025 kết nạp bao nhiêu đảng viên?") == (2022,)


def test_english_term_after_the_years_is_not_a_year_filter():
    assert question_years("Who was elected for the 2020-2025 term?") == ()


def test_over_long_ranges_are_not_expanded():
    assert question_years("from 1990 to 2021") == ()  # more than 10 years apart: neither a range nor single years


def test_years_mentioned_expands_ranges():
    assert years_mentioned("giai đoạn 2021-2023 và nhiệm kỳ 2025 - 2030, năm 1999") == (
        1999, 2021, 2022, 2023, 2025, 2026, 2027, 2028, 2029, 2030)


def test_dates_are_shown_one_way_per_language():
    assert display_date("2022-01-10", "vi") == "10/1/2022"  # as the articles print them, without leading zeros
    assert display_date("2022-01-10", "en") == "2022-01-10"
    assert display_date(None, "vi") is None and display_date("tháng 5", "vi") == "tháng 5"
