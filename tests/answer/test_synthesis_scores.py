"""The synthesiser's piece scores that need no index: the figures and names beyond the title, restating it."""

from rag.answer.synthesis import _beyond_title, _restates_title
from rag.text.vietnamese import folded_syllables

TITLE = set(folded_syllables("Nghệ An mở cầu cảng quốc tế đón tàu 70.000 tấn"))


def test_the_figures_and_names_beyond_the_title():
    assert _beyond_title("Nghệ An mở cầu cảng quốc tế đón tàu 70.000 tấn", TITLE) == set()
    assert _beyond_title("Phó thủ tướng Vương Đình Huệ nhấn nút vận hành cầu cảng dài 2.000 m", TITLE) == {
        "vuong dinh hue", "2.000"}


def test_a_piece_restating_the_title_is_spared_when_it_adds_a_name_or_figure():
    lede = "Sáng 21-10, Phó thủ tướng Vương Đình Huệ mở cầu cảng quốc tế Nghệ An đón tàu 70.000 tấn"
    plain = "Nghệ An đã mở cầu cảng quốc tế có thể đón tàu 70.000 tấn"
    assert _restates_title(plain, TITLE)
    assert not _restates_title(lede, TITLE)
    assert _restates_title(lede, TITLE, spare_new=False)
    assert not _restates_title("Vùng biển nơi đây có độ sâu tự nhiên 9m", TITLE)
    assert not _restates_title(plain, set())


def test_a_dateline_is_not_news_beyond_the_title():
    """The meeting's opening sentence gives only when it was held: it restates the title, it is not spared."""
    title = set(folded_syllables("Huyện ủy Tháp Mười tổng kết công tác xây dựng Đảng năm 2021"))
    opening = ("Sáng ngày 12/01/2021, Huyện ủy Tháp Mười tổ chức Hội nghị tổng kết công tác xây dựng Đảng "
               "năm 2021 và đề ra phương hướng nhiệm vụ năm 2022")
    assert _beyond_title(opening, title) == set()
    assert _restates_title(opening, title)
    assert _beyond_title("Sáng 21-10, ông Vương Đình Huệ dự", title) == {"vuong dinh hue"}
    assert _beyond_title("Có 6/18 xã đạt chuẩn", title) == {"6/18"}  # a share, not a date
