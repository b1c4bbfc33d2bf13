"""What the synthesiser reads off a piece: the years it speaks about, reported speech."""

from rag.answer.salience import SPEECH, SPEECH_FRAME, context_years


def test_a_sentence_without_a_year_speaks_about_the_last_one_written_before_it():
    years = dict(context_years("Năm 2022, huyện tập trung lãnh đạo. Nâng cao năng lực.\n\nĐổi mới công tác."))
    assert years["Nâng cao năng lực."] == (2022,)
    assert years["Đổi mới công tác."] == (2022,)


def test_a_term_of_office_carries_its_whole_range():
    years = dict(context_years("Bầu cử đại biểu nhiệm kỳ 2021-2026. Tiếp tục củng cố khối đại đoàn kết."))
    assert 2021 in years["Tiếp tục củng cố khối đại đoàn kết."]


def test_reported_speech_and_a_bare_frame():
    assert SPEECH.search("Phó chủ tịch UBND tỉnh phát biểu vậy là không đúng\", ông Sum nói")
    assert SPEECH.search("Theo ông Truyền, tìm hiểu kỹ di chúc mới thấy tầm nhìn lịch sử của Bác")
    assert not SPEECH.search("Bộ Nội vụ kiểm tra, đôn đốc UBND các tỉnh")
    assert SPEECH_FRAME.search("ông Trà Văn Bắc – Phó bí thư Thường trực Thành ủy Bạc Liêu cho biết")
    assert not SPEECH_FRAME.search("ông Bắc cho biết thành ủy đã thanh toán")
