"""Issue 11k: a summary's bullets quote their sentence without the words that carry no fact (rag.answer.compress).
Sentences are our own, in the style of local Party news."""

from rag.answer.clauses import clause_spans, clauses
from rag.answer.compress import compress, facts_in, without_credit


def test_a_leading_connective_is_dropped_and_the_rest_is_a_substring():
    text = "Theo đó, Huyện ủy đã kết nạp 51 đảng viên mới và tặng huy hiệu đảng cho 243 đảng viên"
    short = compress(text)
    assert short == "Huyện ủy đã kết nạp 51 đảng viên mới và tặng huy hiệu đảng cho 243 đảng viên"
    assert short in text
    # without its comma the word may start a clause whose verb needs it: left alone
    assert compress("Đồng thời tổ chức kiểm tra 12 tổ chức đảng trong năm 2021") == \
        "Đồng thời tổ chức kiểm tra 12 tổ chức đảng trong năm 2021"


def test_end_clauses_without_a_fact_are_cut_and_every_fact_is_kept():
    text = ("Trong năm, Ủy ban Kiểm tra Huyện ủy đã kiểm tra 14 tổ chức đảng và 27 đảng viên có dấu hiệu vi phạm, "
            "góp phần giữ vững kỷ cương, nâng cao sức chiến đấu của toàn Đảng bộ trong giai đoạn hiện nay")
    short = compress(text)
    assert short in text and len(short.split()) < len(text.split())
    assert "14" in short and "27" in short and "Ủy ban Kiểm tra Huyện ủy" in short
    assert "sức chiến đấu" not in short


def test_a_clause_whose_facts_the_reader_has_is_cut_too():
    text = ("Sáng 12/01/2021, Huyện ủy Tháp Mười tổ chức hội nghị tổng kết công tác xây dựng Đảng năm 2021, "
            "dịp này có 07 tập thể được biểu dương vì hoàn thành xuất sắc nhiệm vụ")
    known = facts_in("Sáng 12/01/2021, Huyện ủy Tháp Mười tổ chức hội nghị tổng kết năm 2021")
    short = compress(text, known)
    assert short == "dịp này có 07 tập thể được biểu dương vì hoàn thành xuất sắc nhiệm vụ"
    assert compress(text) == text  # nothing known: the date and the place are facts of their own


def test_a_sentence_without_a_new_fact_or_too_short_a_rest_is_left_whole():
    plain = "Hệ thống chính trị được củng cố, kiện toàn và hoạt động đi vào nền nếp, ngày càng hiệu quả hơn trước"
    assert compress(plain) == plain
    text = "Huyện kết nạp 5 đảng viên, một con số rất đáng khích lệ đối với công tác phát triển đảng ở cơ sở"
    assert compress(text) == "Huyện kết nạp 5 đảng viên"
    assert compress(text, min_words=8) == text  # the clause holding the figure alone is under eight words


def test_a_caption_loses_its_credit_only():
    assert without_credit("Bí thư Huyện ủy Nguyễn Văn An phát biểu tại hội nghị sáng 12-1 - Ảnh: MINH HÀ") == \
        "Bí thư Huyện ủy Nguyễn Văn An phát biểu tại hội nghị sáng 12-1"
    assert without_credit("Đại biểu dự hội nghị (Ảnh: T.L)") == "Đại biểu dự hội nghị"
    assert without_credit("Huyện kết nạp 51 đảng viên mới") == "Huyện kết nạp 51 đảng viên mới"


def test_clause_spans_give_the_clauses_as_substrings():
    sentence = ("Trong năm 2021, Ban Thường vụ Huyện ủy đã lãnh đạo triển khai học tập các nghị quyết, "
                "ban hành 26 nghị quyết, chỉ thị và kết luận, kết nạp 51 đảng viên mới cho các chi bộ")
    spans = clause_spans(sentence)
    assert [sentence[a:b] for a, b in spans] == clauses(sentence)
    assert all(sentence[a:b] == sentence[a:b].strip(" ,") for a, b in spans)
    assert clause_spans("Huyện kết nạp 51 đảng viên mới") == []
