"""Saved news pages (tests/data/html, written to the shape of real Vietnamese news sites: menus,
breadcrumbs, related-article lists, most-read boxes, comments, scripts, footers, layout tables) are read
by trafilatura; only the article reaches the chunks, with our cleaning and metadata rules applied after."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rag.ingest.articles import load_articles, load_file
from rag.ingest.chunking import chunk_article, embedding_text
from rag.ingest.html import read_html

HTML_DIR = Path(__file__).parents[1] / "data" / "html"

# Text that sits around each article on its page: none of it may reach an article, a chunk or an answer.
AROUND = {
    "baodongthap_hoinghi_2021": [
        "Trang chủ", "Thời sự", "Podcast", "Đăng nhập", "Xây dựng Đảng »", "Lượt xem", "Zalo", "Từ khóa",
        "Tin liên quan", "Lai Vung", "320 công trình", "Sa Rài", "500 nghìn cây", "Bình luận", "Trần Văn Bình",
        "Mỹ Quý", "danh sách 27 cá nhân", "Trả lời", "Đọc nhiều nhất", "Hè Thu", "Xổ số", "Quảng cáo",
        "Giấy phép", "Tổng Biên tập", "dataLayer", "giảm giá", "Tin nóng", "slick", "NewsArticle", "29/11/2026",
    ],
    "vnexpress_caolanh_2023": [
        "Góc nhìn", "Bất động sản", "Tìm kiếm", "Địa phương", "GMT+7", "Xem thêm", "Tam Nông", "Phú Thành",
        "3.200 héc-ta", "Tân Mỹ", "410 hộ", "Ý kiến", "Phạm Văn Tài", "xuống cấp", "Kênh Hội Đồng", "Thích",
        "Xem nhiều", "sầu riêng", "cúp điện", "bản quyền", "Hotline", "lãi suất 0%", "googletagmanager", "lazy",
    ],
    "congthongtin_myloc_2024": [
        "CỔNG THÔNG TIN", "Giới thiệu", "Thủ tục hành chính", "Hỏi đáp", "Liên kết website", "Nam Định",
        "Thống kê truy cập", "Đang online", "1.023.456", "Chi tiết bài viết", "In bài viết", "Trở về trang trước",
        "Nghe đọc", ".mp3", "Gửi bình luận", "Họ tên", "Các tin khác", "Mỹ Hưng", "150 suất quà",
        "cá rô đồng", "Cơ quan chủ quản", "Chánh Văn phòng", "visitCounter", "VŨ NAM",
    ],
    "baomoi_hongngu_2022": [
        "Mới nhất", "Tin nóng", "Giáo dục", "Sức khỏe", "Báo Đồng Tháp 22/08", "#Dân vận khéo",
        "Tin cùng chuyên mục", "Lấp Vò", "an toàn thực phẩm", "nông thôn mới nâng cao", "Sa Đéc",
        "làng hoa", "Võ Thành", "nhân rộng", "An Giang", "Giấy phép MXH", "Điều khoản", "tracker.js",
    ],
}
EXPECTED = {  # title, date (several printed forms), byline, a fact of the body
    "baodongthap_hoinghi_2021": ("Huyện ủy Tháp Mười tổng kết công tác xây dựng Đảng năm 2021", "2022-01-12",
                                 "Nguyễn Thu", "kết nạp 186 đảng viên mới"),
    "vnexpress_caolanh_2023": ("Cao Lãnh giải ngân 92% vốn đầu tư công năm 2023", "2023-12-05", "Hoàng Kha",
                               "đã giải ngân 382 tỷ đồng"),
    "congthongtin_myloc_2024": (None, "2024-07-08", "VŨ NAM TTVH-TT-TT MỸ LỘC", "kết nạp 38 đảng viên mới"),
    "baomoi_hongngu_2022": ("Hồng Ngự: Dân vận khéo góp sức xây dựng cầu nông thôn", "2022-08-22", "Minh Tâm",
                            "góp 860 triệu đồng"),
}


@pytest.fixture(scope="module")
def pages() -> dict:
    return {p.stem: load_file(p)[0] for p in sorted(HTML_DIR.glob("*.html"))}


def test_every_fixture_is_read_by_trafilatura():
    assert set(AROUND) == {p.stem for p in HTML_DIR.glob("*.html")}
    for path in HTML_DIR.glob("*.html"):
        assert read_html(path.read_text(encoding="utf-8")).reader == "trafilatura", path.name


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_title_date_byline_and_body(pages, stem):
    title, date, byline, fact = EXPECTED[stem]
    article = pages[stem]
    if title:
        assert article.title == title
    else:  # the portal has no <h1> or og:title: its <title> is the site's name, not the headline
        assert "Cổng thông tin" not in article.title and article.title
    assert article.date == date
    assert article.byline == byline
    assert fact in article.text


def test_the_lead_printed_above_the_body_is_kept_when_the_page_describes_it(pages):
    assert pages["vnexpress_caolanh_2023"].text.startswith("Đến hết tháng 11, huyện Cao Lãnh giải ngân 92%")
    assert pages["baodongthap_hoinghi_2021"].text.startswith("Sáng ngày 12/01/2022, Ban Thường vụ")


def test_a_data_table_inside_the_article_is_kept(pages):
    text = pages["vnexpress_caolanh_2023"].text
    assert "Ngân sách tỉnh" in text and "271" in text


@pytest.mark.parametrize("stem", sorted(AROUND))
def test_nothing_around_the_article_reaches_its_text_or_chunks(pages, stem):
    article = pages[stem]
    texts = [article.text] + [embedding_text(c) for c in chunk_article(article)]
    for phrase in AROUND[stem]:
        for text in texts:
            assert phrase not in text.replace(article.byline or "\0", ""), (stem, phrase)


def test_without_trafilatura_the_old_reader_still_loads_pages(monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import trafilatura -> ImportError
    path = HTML_DIR / "baodongthap_hoinghi_2021.html"
    assert read_html(path.read_text(encoding="utf-8")).reader == "html.parser"
    (article,) = load_file(path)
    assert article.title == EXPECTED["baodongthap_hoinghi_2021"][0]
    assert "kết nạp 186 đảng viên mới" in article.text


def test_a_page_without_article_text_is_skipped_with_a_reason(tmp_path):
    (tmp_path / "menu_only.html").write_text(
        "<html><body><nav><a href='/'>Trang chủ</a><a href='/x'>Thời sự</a></nav><script>var a=1;</script>"
        "</body></html>", encoding="utf-8")
    (tmp_path / "ok.html").write_bytes((HTML_DIR / "baomoi_hongngu_2022.html").read_bytes())
    report = load_articles(tmp_path)
    assert [a.id for a in report.articles] == ["ok"]
    assert any("menu_only.html" in w and "no article text" in w for w in report.warnings)


@pytest.mark.slow
def test_menus_and_related_links_never_reach_an_answer(tmp_path):
    """Real e5 index over the pages; questions aimed at the related-article and comment text get no
    answer built from it, while a question on an article is answered from it."""
    from rag.config import Config
    from rag.embed.registry import make_embedder
    from rag.index.store import build_index, save_index
    from rag.pipeline import build_pipeline

    articles = load_articles(HTML_DIR).articles
    index_path = tmp_path / "html-index"
    save_index(build_index(articles, make_embedder("e5-small-torch", cache_dir=tmp_path / "w"), index_path),
               index_path)
    pipeline = build_pipeline(Config(index=index_path, cache_dir=tmp_path / "c"))
    around = [p for phrases in AROUND.values() for p in phrases]
    for question in ("Lai Vung ra quân xây dựng nông thôn mới kiểu mẫu với bao nhiêu công trình?",
                     "Cầu Sa Rài ở Hồng Ngự trị giá bao nhiêu tỷ đồng?",
                     "Tam Nông hoàn thành cống ngăn mặn Phú Thành trị giá bao nhiêu?",
                     "Mỹ Lộc trao bao nhiêu suất quà cho gia đình chính sách?",
                     "Giá sầu riêng Cái Mơn bao nhiêu một ký?"):
        answer = pipeline.answer(question)
        quoted = " ".join([answer.text] + [c.quote for c in answer.citations] + [h.chunk.text for h in answer.hits])
        for phrase in ("320", "87 tỷ", "64 tỷ", "150 suất", "140.000", "Lai Vung", "Sa Rài", "Phú Thành", "sầu riêng"):
            assert phrase not in quoted, (question, phrase)
        assert not any(p in h.chunk.text for h in answer.hits for p in around)
    answer = pipeline.answer("Năm 2021 Đảng bộ huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?")
    assert "186" in answer.text and answer.citations[0].article_id == "baodongthap_hoinghi_2021"
