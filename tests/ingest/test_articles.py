"""rag.ingest.articles: loaders for each format, scraped-page cleaning, metadata, and skipping bad files."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import ARTICLES_DIR, GOOD_ARTICLE_IDS, SKIPPED_SOURCES
from rag.ingest.articles import build_article, load_articles, load_file, read_text, reported_years
from rag.errors import InputError, NoArticlesError
from rag.schema import Place

BOILERPLATE = ("Xuất bản thông tin", "Chi tiết bài viết Tin tức", "Trở về trang trước", "Gửi bình luận của bạn",
               "null", ".mp3", "http", "Cập nhật ngày")


def _txt(name: str):
    (article,) = load_file(ARTICLES_DIR / name)
    return article


def _assert_clean(article):
    for junk in BOILERPLATE:
        assert junk not in article.text, f"{junk!r} left in {article.id}"
    assert "./." not in article.text
    if article.byline:
        assert article.byline not in article.text


# ---------------------------------------------------------------- .txt quirks, one fixture each


def test_scraped_page_with_null_title_and_repeated_title():
    article = _txt("thapmuoi_tongket_2021.txt")
    assert article.id == "thapmuoi_tongket_2021"  # the file stem (contract)
    assert article.title == "Huyện ủy Tháp Mười tổng kết công tác xây dựng Đảng năm 2021"
    assert article.title not in article.text  # printed twice on the page, kept once: as the title
    assert article.text.startswith("Sáng ngày 12/01/2021, Huyện ủy Tháp Mười tổ chức Hội nghị")
    assert article.text.endswith("được biểu dương, khen thưởng.")  # "./." ending repaired
    _assert_clean(article)
    assert article.text.count("\n\n") == 4  # five paragraphs
    assert article.source.endswith("thapmuoi_tongket_2021.txt")


def test_date_sang_ngay_is_kept_as_printed_and_years_exclude_plans():
    article = _txt("thapmuoi_tongket_2021.txt")
    # Dated 12/01/2021 yet it reviews 2021: keep the date, report 2021, not the plans for 2022.
    assert article.date == "2021-01-12"
    assert article.years == (2021,)


def test_byline_bt_and_hinh_is_split_off():
    article = _txt("thapmuoi_tongket_2021.txt")
    assert article.byline == "BT: Nguyễn Thu + Hình: Hoàng Kha"  # double space collapsed
    assert "Hoàng Kha" not in article.text


def test_place_huyen_uy_thap_muoi():
    assert _txt("thapmuoi_tongket_2021.txt").place == Place(district="Tháp Mười", province=None)


def test_date_ngay_without_leading_zeros_and_tone_variants_normalised():
    article = _txt("thapmuoi_danvan_2022.txt")
    assert article.date == "2022-08-19"
    assert article.years == (2022,)
    assert article.byline == "BT: Nguyễn Thu – Hình: Vũ Chiến"
    # The file spells "thuỷ lợi" and "hoà giải"; the article uses one convention.
    assert "kênh thủy lợi nội đồng" in article.text
    assert "tổ hòa giải ở cơ sở đã hòa giải thành 95,6% vụ việc" in article.text
    assert "thuỷ" not in article.text and "hoà" not in article.text
    _assert_clean(article)


def test_updated_line_mp3_link_caption_and_footer_removed():
    article = _txt("caolanh_2024.txt")
    assert article.title == "Nâng cao chất lượng tổ chức cơ sở đảng gắn với phát triển vùng xoài"
    assert article.date == "2024-07-08"  # from "Cập nhật ngày: 08/07/2024 10:00:11"
    assert article.text.startswith("ĐTO - Từ đầu năm 2024 đến nay")
    assert "VietGAP" not in article.text and "(Ảnh: CTV)" not in article.text  # photo caption line
    assert article.byline == "Dũng Chinh"
    _assert_clean(article)


def test_place_huyen_cao_lanh_with_province_and_plans_not_reported():
    article = _txt("caolanh_2024.txt")
    assert article.place == Place(district="Cao Lãnh", province="Đồng Tháp")
    # "năm 2025" (a target) and "nhiệm kỳ 2025 - 2030" (a term) are not years it reports on.
    assert article.years == (2024,)


def test_hard_wrapped_article_without_title_or_date():
    article = _txt("myloc_2021.txt")
    # No headline: the first sentence stands in.
    assert article.title == (
        "Huyện ủy Mỹ Lộc vừa tổ chức hội nghị tổng kết công tác xây dựng Đảng năm 2021 "
        "và triển khai phương hướng nhiệm vụ năm 2022."
    )
    assert article.date is None
    # Lines broken mid-sentence are joined back into paragraphs.
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 4
    assert all("\n" not in p for p in paragraphs)
    assert "toàn huyện kết nạp 47 đảng viên mới, đạt 117% kế hoạch." in article.text
    assert "bàn giao 96 ha mặt bằng cho nhà đầu tư." in article.text
    assert "công tác xây dựng Đảng năm 2021" in paragraphs[0]


def test_hard_wrapped_article_byline_on_two_lines_and_place():
    article = _txt("myloc_2021.txt")
    assert article.byline == "VŨ NAM TTVH-TT-TT MỸ LỘC"
    assert "VŨ NAM" not in article.text
    assert article.text.endswith("mừng Đảng, mừng xuân.")
    assert article.place == Place(district="Mỹ Lộc", province=None)
    # Undated: every "năm YYYY" counts.
    assert article.years == (2021, 2022)


# ---------------------------------------------------------------- .md, .html, .jsonl


def test_markdown_with_front_matter():
    (article,) = load_file(ARTICLES_DIR / "thanhbinh_2023.md")
    assert article.id == "thanhbinh_2023"
    assert article.title == "Thanh Bình đẩy mạnh chuyển đổi số trong sinh hoạt chi bộ"
    assert article.date == "2023-03-15"
    assert article.url == "https://example.vn/thanh-binh-chuyen-doi-so"
    assert article.place == Place(district="Thanh Bình", province="Đồng Tháp")
    assert article.years == (2023,)
    assert article.text.startswith("Ngày 15/3/2023, Huyện ủy Thanh Bình sơ kết")  # "# title" and ** gone
    assert "Sổ tay đảng viên điện tử" in article.text
    assert "Xem thêm kế hoạch chi tiết." in article.text  # link text kept, address dropped
    for markup in ("**", "![", "](", "#", "---", "images/so-tay.jpg", "title:"):
        assert markup not in article.text


def test_html_keeps_article_text_and_h1_title_only():
    (article,) = load_file(ARTICLES_DIR / "lapvo_2023.html")
    assert article.id == "lapvo_2023"
    assert article.title == "Huyện ủy Lấp Vò trao Huy hiệu Đảng cho 64 đảng viên"
    assert article.date == "2023-02-03"
    assert article.url == "https://example.vn/lap-vo-huy-hieu-dang"
    assert article.place.district == "Lấp Vò"
    assert article.text.startswith("Ngày 03/02/2023, Huyện ủy Lấp Vò tổ chức lễ trao Huy hiệu Đảng")
    assert "lão thành & mong" in article.text  # &amp; decoded
    assert len(article.text.split("\n\n")) == 3
    for junk in ("trackingId", "Quảng cáo", "color", "Trang chủ", "Liên hệ", "©", "Địa chỉ tòa soạn",
                 "Báo Điện tử", "Tiêu đề og", article.title):
        assert junk not in article.text


def test_html_h1_inside_the_article_header_is_the_title(tmp_path):
    path = tmp_path / "wp.html"
    path.write_text(
        "<html><head><title>Báo Ví Dụ – Tin tức</title></head><body>"
        "<header class='site-header'><a href='/'>Báo Ví Dụ</a></header>"
        "<article><header class='entry-header'><h1>Huyện ủy Tam Nông kết nạp 21 đảng viên</h1></header>"
        "<div><p>Ngày 05/4/2023, Huyện ủy Tam Nông tổ chức lễ kết nạp 21 đảng viên mới.</p></div></article>"
        "</body></html>",
        encoding="utf-8",
    )
    (article,) = load_file(path)
    assert article.title == "Huyện ủy Tam Nông kết nạp 21 đảng viên"
    assert "Báo Ví Dụ" not in article.text


def test_jsonl_loads_good_lines_and_warns_about_the_bad_one():
    warnings: list[str] = []
    articles = load_file(ARTICLES_DIR / "batch_2023.jsonl", warnings)
    assert [a.id for a in articles] == ["chauthanh_2023", "hongngu_2023"]
    chau, hong = articles
    assert chau.title == "Châu Thành bàn giao nhà đại đoàn kết cho hộ nghèo"
    assert chau.date == "2023-04-20"
    assert chau.url == "https://example.vn/chau-thanh-nha-dai-doan-ket"
    assert chau.text.split("\n\n")[1].startswith("Mỗi căn nhà được hỗ trợ 50 triệu đồng")
    assert hong.text.startswith("Ngày 12/6/2023, Thị ủy Hồng Ngự")  # "body" accepted for "text"
    assert hong.date == "2023-06-12"  # no "date" field: read from the text
    assert hong.source.endswith("batch_2023.jsonl:3")
    assert len(warnings) == 1
    assert "batch_2023.jsonl:2" in warnings[0] and "not valid JSON" in warnings[0]


def test_jsonl_line_without_text_is_skipped_with_reason(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(
        json.dumps({"id": "ok", "text": "Ngày 1/2/2023, Huyện ủy Tam Nông họp."}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "no_text", "title": "Chỉ có tiêu đề"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    warnings: list[str] = []
    assert [a.id for a in load_file(path, warnings)] == ["ok"]
    assert warnings == ["skipped x.jsonl:2: x.jsonl:2: needs 'id' and 'text' (or 'body')"]


def test_jsonl_line_that_is_not_an_object_is_skipped(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('["not", "an", "object"]\n{"id": "ok", "text": "Huyện ủy Tam Nông họp bàn công tác."}\n',
                    encoding="utf-8")
    report = load_articles(tmp_path)
    assert [a.id for a in report.articles] == ["ok"]
    assert any("x.jsonl:1" in w for w in report.warnings)


def test_jsonl_iso_datetime_date_is_kept(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Huyện ủy Tam Nông họp bàn công tác.",
                                "date": "2023-05-10T08:00:00+07:00"}) + "\n", encoding="utf-8")
    (article,) = load_file(path)
    assert article.date == "2023-05-10"


def test_jsonl_non_string_date_does_not_abort_loading(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": "Huyện ủy Tam Nông họp bàn công tác.", "date": 20230510}) + "\n"
        + json.dumps({"id": "b", "text": "Huyện ủy Tân Hồng họp bàn công tác."}) + "\n",
        encoding="utf-8",
    )
    report = load_articles(tmp_path)
    assert "b" in [a.id for a in report.articles]


# ---------------------------------------------------------------- bad files, whole folders


def test_windows_1258_file_is_detected_and_converted():
    (article,) = load_file(ARTICLES_DIR / "tamnong_cp1258.txt")
    assert article.title == "Huyện ủy Tam Nông sơ kết công tác quý I năm 2023"
    assert article.place.district == "Tam Nông" and article.date == "2023-04-05"


def test_empty_file_is_rejected():
    with pytest.raises(InputError, match=r"empty\.txt: the file is empty"):
        load_file(ARTICLES_DIR / "empty.txt")


def test_load_articles_indexes_the_good_files_and_names_each_skipped_one(fixture_report):
    assert {a.id for a in fixture_report.articles} == GOOD_ARTICLE_IDS
    assert len(fixture_report.warnings) == len(SKIPPED_SOURCES)
    for source in SKIPPED_SOURCES:
        assert sum(source in w for w in fixture_report.warnings) == 1, source
    assert all(w.startswith("skipped ") for w in fixture_report.warnings)


def test_duplicate_under_another_name_keeps_the_first(fixture_report):
    (warning,) = [w for w in fixture_report.warnings if "_copy.txt" in w]
    assert "same text as article 'thapmuoi_tongket_2021'" in warning
    assert "thapmuoi_tongket_2021_copy" not in {a.id for a in fixture_report.articles}


def test_duplicate_id_in_two_files_keeps_the_first(tmp_path):
    shutil.copy(ARTICLES_DIR / "caolanh_2024.txt", tmp_path / "caolanh_2024.txt")
    (tmp_path / "more.jsonl").write_text(
        json.dumps({"id": "caolanh_2024", "text": "Một bài khác của Huyện ủy Cao Lãnh."}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    report = load_articles(tmp_path)
    assert [a.id for a in report.articles] == ["caolanh_2024"]
    assert report.articles[0].title.startswith("Nâng cao chất lượng")
    (warning,) = report.warnings
    assert "duplicate article id 'caolanh_2024'" in warning and "more.jsonl:1" in warning


def test_load_articles_accepts_a_list_of_files():
    report = load_articles([ARTICLES_DIR / "myloc_2021.txt", ARTICLES_DIR / "empty.txt"])
    assert [a.id for a in report.articles] == ["myloc_2021"]
    assert len(report.warnings) == 1 and "empty.txt" in report.warnings[0]


def test_empty_folder_raises_no_articles_error(tmp_path):
    with pytest.raises(NoArticlesError) as info:
        load_articles(tmp_path)
    assert str(tmp_path) in str(info.value)
    assert ".txt" in str(info.value)


def test_folder_of_only_bad_files_raises_no_articles_error_naming_them(tmp_path):
    shutil.copy(ARTICLES_DIR / "empty.txt", tmp_path / "empty.txt")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")  # unsupported: ignored
    with pytest.raises(NoArticlesError) as info:
        load_articles(tmp_path)
    assert "empty.txt" in str(info.value) and "blob.txt" in str(info.value)


def test_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_articles(tmp_path / "nowhere")


def test_unsupported_file_type_is_an_input_error(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match=r"unsupported file type '\.docx'"):
        load_file(path)


def test_read_text_accepts_utf8_bom_and_utf16_and_rejects_binary(tmp_path):
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffHuyện ủy".encode("utf-8"))
    assert read_text(bom) == "Huyện ủy"
    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes("Huyện ủy".encode("utf-16"))
    assert read_text(utf16) == "Huyện ủy"
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"abc\x00def")
    with pytest.raises(InputError, match="binary"):
        read_text(binary)


# ---------------------------------------------------------------- metadata helpers


def test_reported_years_excludes_plans():
    paragraphs = ["Năm 2021 huyện kết nạp 212 đảng viên.", "Phương hướng năm 2022: kết nạp 200 đảng viên.",
                  "Đại hội nhiệm kỳ 2020 - 2025."]
    assert reported_years("Tổng kết năm 2021", paragraphs, "2021-12-30") == (2021,)
    assert reported_years("Tổng kết", paragraphs, "2022-01-05") == (2021, 2022)  # published after: both reported
    assert reported_years("Không có năm", paragraphs, None) == (2021, 2022)


def test_build_article_metadata_overrides_and_dates():
    article = build_article("x", "Huyện ủy Tháp Mười họp bàn công tác.", source="s", title="Tiêu đề",
                            date="5/9/2023", district="Hồng Ngự", province="Đồng Tháp")
    assert (article.title, article.date) == ("Tiêu đề", "2023-09-05")
    assert article.place == Place("Hồng Ngự", "Đồng Tháp")


def test_article_with_only_boilerplate_is_rejected():
    with pytest.raises(InputError, match="no article text left"):
        build_article("x", "Xuất bản thông tin\n\nChi tiết bài viết Tin tức\n\nGửi bình luận của bạn\n", source="s.txt")


def test_body_line_starting_with_cap_nhat_is_kept():
    article = build_article(
        "x", "Ngày 5/5/2023, Huyện ủy Tam Nông họp.\n\nCập nhật kết quả: toàn huyện có 9 xã đạt chuẩn nông thôn mới.\n",
        source="s.txt")
    assert "9 xã đạt chuẩn nông thôn mới" in article.text


def test_title_case_huyen_uy_gives_the_district_name():
    article = build_article("x", "Huyện Ủy Tháp Mười tổ chức hội nghị tổng kết.", source="s.txt")
    assert article.place.district == "Tháp Mười"


def test_hyphenated_province_is_found():
    article = build_article("x", "Huyện ủy Long Điền, tỉnh Bà Rịa - Vũng Tàu tổ chức hội nghị.", source="s.txt")
    assert article.place == Place("Long Điền", "Bà Rịa - Vũng Tàu")


def test_province_words_in_running_text_are_not_the_article_place():
    from rag.ingest.articles import find_place

    place = find_place("Bài học lịch sử", [
        "Các nước ven Thái Bình Dương ký hiệp ước vì hòa bình và phát triển.",
        "Hội nghị bàn về hòa bình khu vực.",
    ])
    assert place.province is None
    assert find_place("Tin địa phương", ["Tỉnh ủy Hòa Bình họp phiên thường kỳ."]).province == "Hòa Bình"
