"""The synthesiser's piece scores that need no index: the figures and names beyond the title, restating it."""

from rag.answer.salience import beyond_title, restates_title
from rag.text.vietnamese import folded_syllables

TITLE = set(folded_syllables("Nghệ An mở cầu cảng quốc tế đón tàu 70.000 tấn"))


def test_the_figures_and_names_beyond_the_title():
    assert beyond_title("Nghệ An mở cầu cảng quốc tế đón tàu 70.000 tấn", TITLE) == set()
    assert beyond_title("Phó thủ tướng Vương Đình Huệ nhấn nút vận hành cầu cảng dài 2.000 m", TITLE) == {
        "vuong dinh hue", "2.000"}


def test_a_piece_restating_the_title_is_spared_when_it_adds_a_name_or_figure():
    lede = "Sáng 21-10, Phó thủ tướng Vương Đình Huệ mở cầu cảng quốc tế Nghệ An đón tàu 70.000 tấn"
    plain = "Nghệ An đã mở cầu cảng quốc tế có thể đón tàu 70.000 tấn"
    assert restates_title(plain, TITLE)
    assert not restates_title(lede, TITLE)
    assert restates_title(lede, TITLE, spare_new=False)
    assert not restates_title("Vùng biển nơi đây có độ sâu tự nhiên 9m", TITLE)
    assert not restates_title(plain, set())


def test_a_dateline_is_not_news_beyond_the_title():
    """The meeting's opening sentence gives only when it was held: it restates the title, it is not spared."""
    title = set(folded_syllables("Huyện ủy Tháp Mười tổng kết công tác xây dựng Đảng năm 2021"))
    opening = ("Sáng ngày 12/01/2021, Huyện ủy Tháp Mười tổ chức Hội nghị tổng kết công tác xây dựng Đảng "
               "năm 2021 và đề ra phương hướng nhiệm vụ năm 2022")
    assert beyond_title(opening, title) == set()
    assert restates_title(opening, title)
    assert beyond_title("Sáng 21-10, ông Vương Đình Huệ dự", title) == {"vuong dinh hue"}
    assert beyond_title("Có 6/18 xã đạt chuẩn", title) == {"6/18"}  # a share, not a date
