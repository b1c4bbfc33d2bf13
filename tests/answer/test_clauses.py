from rag.answer.clauses import clauses

LONG = ("Uỷ ban kiểm tra huyện ủy đã xem xét, kiểm tra dấu hiệu vi phạm, kiểm điểm, xử lý nhiều tập thể cá nhân "
        "vi phạm trong công tác quản lý đất đai và các lĩnh vực khác, trong năm đã xem xét, thi hành kỷ luật 36 "
        "đảng viên bằng các hình thức khiển trách 26, cảnh cáo 3, cách chức 2, khai trừ 5")


def test_a_long_sentence_is_cut_into_exact_substrings():
    parts = clauses(LONG)
    assert len(parts) > 2
    assert all(p in LONG for p in parts)
    assert any("kỷ luật 36 đảng viên" in p for p in parts)


def test_short_pieces_join_the_next_one_and_a_short_tail_the_one_before():
    parts = clauses(LONG, min_words=6)
    assert all(len(p.split()) >= 6 for p in parts)


def test_a_short_sentence_is_not_cut():
    assert clauses("Hệ thống chính trị được củng cố, kiện toàn và hoạt động đi vào nền nếp") == []


def test_no_cut_inside_quotation_marks():
    sentence = ("Huyện đẩy mạnh phong trào thi đua “Dân vận khéo, Năm dân vận chính quyền, toàn dân đoàn kết xây dựng "
                "nông thôn mới”, tiếp tục tuyên truyền về phòng, chống dịch bệnh trong toàn huyện và các xã")
    assert not any(p.endswith("Dân vận khéo") for p in clauses(sentence))


def test_an_enumeration_of_short_items_is_not_cut_but_a_new_phrase_is():
    sentence = ("Lãnh đạo, chỉ đạo, thực hiện tốt công tác kiểm tra, giám sát của Đảng, nâng cao chất lượng hoạt động "
                "của Mặt trận Tổ quốc và các tổ chức chính trị - xã hội")
    assert clauses(sentence) == ["Lãnh đạo, chỉ đạo, thực hiện tốt công tác kiểm tra, giám sát của Đảng",
                                 "nâng cao chất lượng hoạt động của Mặt trận Tổ quốc và các tổ chức chính trị - xã hội"]


def test_a_full_stop_that_lost_its_space_ends_a_clause_but_an_abbreviation_does_not():
    sentence = ("Đại hội đại biểu phụ nữ và Đại hội Hội Chữ thập đỏ các cấp, nhiệm kỳ 2021-2026.Thực hiện tốt Kết luận "
                "số 96 của Ban Thường vụ Tỉnh ủy về nâng cao chất lượng hoạt động của chi đoàn tại TP.HCM")
    parts = clauses(sentence)
    assert any(p.startswith("Thực hiện tốt Kết luận số 96") for p in parts)
    assert not any(p.startswith("HCM") for p in parts)


def test_an_office_beside_a_name_stays_with_it_and_with_its_verb():
    # invented sentence: the comma before each office sets it beside the name (an apposition), and the comma after
    # the last office closes it; a cut there would quote "ông Lê Văn Tâm" without what he did, or an office alone
    sentence = ("Tại kỳ họp HĐND huyện ngày 5/8, ông Lê Văn Tâm, Phó Bí thư Huyện ủy, Chủ tịch UBND huyện, cho biết "
                "huyện đã hoàn thành 12 chỉ tiêu và giải ngân 95% vốn đầu tư công")
    parts = clauses(sentence)
    assert not any(p.endswith("Lê Văn Tâm") or p.startswith(("Phó Bí thư", "Chủ tịch")) for p in parts)
    assert not any(p.startswith("cho biết") for p in parts)


def test_apposition_commas_may_still_be_cut_when_asked():
    sentence = ("Chỉ định ông Trần Văn Bình, nguyên Phó Chủ tịch UBND quận 3 tham gia Ban chấp hành, giữ chức Phó bí thư "
                "Quận ủy quận 3 nhiệm kỳ 2020-2025 theo đề nghị của Ban Tổ chức")
    assert not any(p.startswith("nguyên Phó Chủ tịch") for p in clauses(sentence))
    assert any(p.startswith("nguyên Phó Chủ tịch") for p in clauses(sentence, keep_appositions=False))
