"""End to end in a real browser: `rag serve` on a free port over a scratch index of tests/data/ui_articles,
driven by headless Chromium (Debian's, through Playwright). Screenshots go to tests/artifacts/.

Needs: apt-get install chromium; pip install playwright (never `playwright install`: the system browser
is used through executable_path).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ci_needs import need_file, need_module
from conftest import KEPT_SETTINGS
from ui_fakes import UI_ARTICLES, UI_UPLOAD

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("RAG_TEST_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).parent.parent / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
QUESTION = "What did Tháp Mười report in 2021?"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_") or k in KEPT_SETTINGS}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False",
               PYTHONIOENCODING="utf-8", NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    need_file(CHROMIUM, "apt-get install chromium (scripts/setup.sh test does)")
    need_module("playwright.sync_api", "pip install playwright (the browser comes from apt)")
    work = tmp_path_factory.mktemp("ui-e2e")
    index = work / "index"
    build = subprocess.run([sys.executable, "-m", "rag.cli", "index", "build", "--source", str(UI_ARTICLES),
                            "--index", str(index), "--quiet"], cwd=work, env=_env(), capture_output=True,
                           text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    port = _free_port()
    log = (work / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "serve", "--index", str(index), "--port", str(port),
         "--feedback-log", str(work / "feedback.jsonl")],
        cwd=work, env=_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"rag serve did not start:\n{(work / 'serve.log').read_text()}")
        time.sleep(0.5)
    try:
        yield {"url": url, "work": work, "index": index}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.copy(work / "serve.log", ARTIFACTS / "ui_serve.log") if ARTIFACTS.exists() else None


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(server["url"], wait_until="load")
        page.wait_for_selector("#question textarea", timeout=60_000)
        yield page
        browser.close()


def _ask(page, question: str) -> None:
    before = page.locator("#chat .answer:not(.streaming)").count()
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .answer:not(.streaming)').length > n", arg=before, timeout=60_000)


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_1_cited_answer_with_source_card(page):
    page.wait_for_timeout(1000)  # the filters refresh from the index once the page has loaded
    _shot(page, "ui_01_home.png")
    assert "Hỏi đáp tin tức địa phương" in page.inner_text("#app-header")
    _ask(page, QUESTION)
    answer = page.locator("#chat .answer").last
    assert "Tháp Mười" in answer.inner_text()
    marker = answer.locator("a.cite").first
    assert "Tháp Mười" in (marker.get_attribute("title") or "")  # the hover tooltip holds the quote
    card = page.locator("#sources .source-card").first
    card.wait_for(timeout=10_000)
    assert "Tháp Mười" in card.locator(".source-title").inner_text()
    assert card.locator("mark").count() >= 1 and card.locator(".verdict.ok").count() >= 1
    marker.click()  # scrolls to the quote and flashes it
    page.wait_for_selector("#sources .quote.flash", timeout=5_000)
    card.locator("details.full-article summary").click()
    assert card.locator("details.full-article p").count() >= 3
    _shot(page, "ui_02_answer_sources.png")


def test_2_feedback_is_logged(page, server):
    page.locator("#feedback").get_by_text("Đánh giá câu trả lời gần nhất").click()
    page.locator("#feedback textarea").fill("Trích dẫn đúng bài Tháp Mười.")
    page.locator("#thumbs-up").click()
    page.wait_for_selector("text=Cảm ơn", timeout=10_000)
    log = (server["work"] / "feedback.jsonl").read_text(encoding="utf-8")
    assert QUESTION in log and '"rating": "up"' in log and "Trích dẫn đúng" in log


def test_3_upload_then_find_the_article(page, server, tmp_path):
    bad = tmp_path / "trống.txt"
    bad.write_bytes(b"")
    page.locator("#upload").get_by_text("Thêm bài viết").first.click()
    page.locator("#upload-files input[type=file]").set_input_files(
        [str(UI_UPLOAD / "hn_2022_lua_dong_xuan.txt"), str(bad)])
    page.wait_for_timeout(1500)  # let the browser finish sending the files
    page.locator("#upload-button").click()
    page.wait_for_selector("#upload-status .upload.ok", timeout=120_000)
    status = page.inner_text("#upload-status")
    assert "hn_2022_lua_dong_xuan" in status and "trống.txt" in status  # the bad file is named
    _shot(page, "ui_03_upload.png")
    _ask(page, "Vụ Đông Xuân năm 2022, thị xã Hồng Ngự thu hoạch bao nhiêu ha lúa?")
    card = page.locator("#sources .source-card").first
    assert "Hồng Ngự" in card.locator(".source-title").inner_text()
    card.locator("details.full-article summary").click()
    text = card.locator("details.full-article").inner_text()
    assert '<script>alert("xss")</script>' in text and page.dialogs == []  # shown as text, never run
    _shot(page, "ui_04_uploaded_article.png")
    assert "hn_2022_lua_dong_xuan" in (server["index"] / "articles.jsonl").read_text(encoding="utf-8")


def test_4_english_labels_and_new_chat(page):
    page.get_by_text("English", exact=True).click()
    page.wait_for_function("document.querySelector('#app-header').innerText.includes('Local news')", timeout=10_000)
    _ask(page, "How many new Party members did Tháp Mười admit in 2021?")
    _shot(page, "ui_05_english.png")
    page.locator("#new-chat").click()
    page.wait_for_function("document.querySelectorAll('#chat .answer').length === 0", timeout=10_000)
    assert "No sources yet" in page.inner_text("#sources")
