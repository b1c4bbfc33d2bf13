"""rag.text.vietnamese: NFC + one tone-mark convention, accent folding, language detection, sentences, BM25 tokens."""

from __future__ import annotations

import unicodedata

import pytest

from rag.text.vietnamese import (
    detect_language,
    fold,
    lexical_tokens,
    normalize,
    split_clauses,
    split_sentences,
)

# ---------------------------------------------------------------- normalize


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [("hoà", "hòa"), ("thuỷ", "thủy"), ("Hoà Bình", "Hòa Bình"), ("khoẻ", "khỏe"), ("Thuỷ lợi", "Thủy lợi"),
     ("Khánh Hoà", "Khánh Hòa"), ("tuỳ", "tùy")],
)
def test_normalize_puts_the_tone_on_the_first_vowel_of_oa_oe_uy(old_style, new_style):
    assert normalize(old_style) == new_style
    assert normalize(new_style) == new_style  # idempotent on the chosen convention


def test_normalize_makes_tone_variants_compare_equal():
    assert normalize("công trình thuỷ lợi, tổ hoà giải") == normalize("công trình thủy lợi, tổ hòa giải")


def test_normalize_leaves_qu_syllables_and_closed_syllables_alone():
    # "quý": u belongs to "qu"; "hoàn", "tuyến": the vowel pair is not at the end of the syllable.
    assert normalize("quý") == "quý"
    assert normalize("hoàn thành") == "hoàn thành"
    assert normalize("tuyến kênh") == "tuyến kênh"


def test_normalize_composes_decomposed_input_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Huyện ủy Tháp Mười")
    assert decomposed != "Huyện ủy Tháp Mười"
    assert normalize(decomposed) == "Huyện ủy Tháp Mười"
    assert unicodedata.is_normalized("NFC", normalize(decomposed))


def test_normalize_turns_nbsp_into_space_and_drops_bom():
    assert normalize("\ufeffTháp\u00a0Mười") == "Tháp Mười"


# ---------------------------------------------------------------- fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Tháp Mười", "thap muoi"), ("Huyện ủy Mỹ Lộc", "huyen uy my loc"), ("ĐỒNG THÁP", "dong thap"),
     ("đảng viên", "dang vien"), ("hoà", "hoa"), ("hòa", "hoa"), ("thuỷ", "thuy"), ("95,6%", "95,6%")],
)
def test_fold_lowercases_and_strips_diacritics(text, folded):
    assert fold(text) == folded


def test_fold_keeps_punctuation_and_spacing():
    assert fold("Cao Lãnh, Đồng Tháp.") == "cao lanh, dong thap."


# ---------------------------------------------------------------- detect_language


@pytest.mark.parametrize(
    "question",
    [
        "What did Tháp Mười report in 2021?",
        "How many new party members did Mỹ Lộc admit in 2021?",
        "What about Cao Lãnh?",
        "How many houses were handed over to poor households?",
    ],
)
def test_detect_language_english(question):
    assert detect_language(question) == "en"


@pytest.mark.parametrize(
    "question",
    [
        "my loc ky luat bao nhieu dang vien",
        "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?",
        "thap muoi nam 2021 ket nap bao nhieu dang vien",
        "Còn năm 2022 thì sao?",
        "Tháp Mười",
        "",
    ],
)
def test_detect_language_vietnamese(question):
    assert detect_language(question) == "vi"


def test_detect_language_english_question_with_long_vietnamese_name():
    assert detect_language("Who is the secretary of Huyện ủy Tháp Mười?") == "en"


# ---------------------------------------------------------------- split_sentences


def test_split_sentences_keeps_numbers_with_dots_and_commas():
    text = "Toàn huyện có 52.342 hội viên, đạt 95,6% kế hoạch. Huyện có 3 xã đạt chuẩn."
    assert split_sentences(text) == ["Toàn huyện có 52.342 hội viên, đạt 95,6% kế hoạch.", "Huyện có 3 xã đạt chuẩn."]


def test_split_sentences_does_not_cut_after_tp_abbreviation():
    text = "Hội nghị tổ chức tại TP. Cao Lãnh. Năm 2022 huyện tiếp tục thực hiện."
    assert split_sentences(text) == ["Hội nghị tổ chức tại TP. Cao Lãnh.", "Năm 2022 huyện tiếp tục thực hiện."]


def test_split_sentences_handles_other_terminators_and_lines():
    text = "Dòng một! Dòng hai? Kết thúc./.\nDòng mới không dấu chấm"
    assert split_sentences(text) == ["Dòng một!", "Dòng hai?", "Kết thúc./.", "Dòng mới không dấu chấm"]


def test_split_sentences_does_not_split_before_lowercase():
    # "đ/c" and lower-case continuations after a period are not sentence starts.
    assert split_sentences("Tới dự có đ/c Lê Minh Quang. và các đồng chí khác") == [
        "Tới dự có đ/c Lê Minh Quang. và các đồng chí khác"
    ]


def test_split_sentences_keeps_closing_quote_before_a_period():
    assert split_sentences("Tổng kết phong trào “Dân vận khéo”. Năm nay đạt kết quả tốt.") == [
        "Tổng kết phong trào “Dân vận khéo”.", "Năm nay đạt kết quả tốt."
    ]


def test_split_sentences_keeps_closing_quote_after_a_period():
    text = "Bí thư nhấn mạnh: “Cán bộ phải nêu gương.” Hội nghị thống nhất cao."
    assert split_sentences(text) == ["Bí thư nhấn mạnh: “Cán bộ phải nêu gương.”", "Hội nghị thống nhất cao."]


def test_split_sentences_skips_blank_paragraphs():
    assert split_sentences("\n\n  \nMột câu.\n\n") == ["Một câu."]


def test_split_clauses_cuts_semicolon_lists():
    assert split_clauses("Kết nạp 47 đảng viên; kỷ luật 9 đảng viên; khai trừ 2 đảng viên.") == [
        "Kết nạp 47 đảng viên", "kỷ luật 9 đảng viên", "khai trừ 2 đảng viên."
    ]


# ---------------------------------------------------------------- lexical_tokens


def test_lexical_tokens_are_folded_syllables_plus_folded_compounds():
    tokens = lexical_tokens("Huyện ủy Tháp Mười kỷ luật đảng viên")
    assert tokens[:8] == ["huyen", "uy", "thap", "muoi", "ky", "luat", "dang", "vien"]
    assert {"thap_muoi", "ky_luat", "dang_vien"} <= set(tokens[8:])
    assert all(t == fold(t) for t in tokens)


def test_lexical_tokens_match_with_and_without_diacritics():
    accented = set(lexical_tokens("Huyện ủy Mỹ Lộc kỷ luật", segment=False))
    unaccented = set(lexical_tokens("huyen uy my loc ky luat", segment=False))
    assert accented == unaccented == {"huyen", "uy", "my", "loc", "ky", "luat"}


def test_lexical_tokens_agree_across_tone_conventions():
    assert lexical_tokens("thuỷ lợi hoà giải", segment=False) == lexical_tokens("thủy lợi hòa giải", segment=False)


def test_lexical_tokens_without_segmentation_has_no_compounds():
    assert lexical_tokens("Tháp Mười", segment=False) == ["thap", "muoi"]


def test_keyword_tokens_keep_diacritics_so_distinct_words_stay_distinct():
    from rag.text.vietnamese import keyword_tokens

    assert keyword_tokens("Má mà mạ MÃ") == ["má", "mà", "mạ", "mã"]
    assert keyword_tokens("Hoà bình") == keyword_tokens("hòa bình")  # one tone-mark convention
