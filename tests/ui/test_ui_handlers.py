"""The UI's handlers with deterministic fakes, no server: streaming, citations, escaping,
filters, multi-turn, errors, feedback and uploads."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from ci_needs import need_module

from rag.errors import InputError
from rag.schema import Answer, Citation, QueryPlan

from ui import handlers, render
from ui.engine import MAX_TOP_K, Engine, Settings, apply_filters, settings_from
from rag.evaluate.sets import feedback_rows
from rag.ingest.jsonl import read_jsonl
from ui.feedback import FeedbackLog, read_log

from conftest import file_size_limit
from ui_fakes import UI_UPLOAD, ScriptedGenerator, StandInPipeline, build_fake_index, fake_pipeline


@pytest.fixture
def index_path(tmp_path) -> Path:
    return build_fake_index(tmp_path / "idx")


@pytest.fixture
def engine(index_path, tmp_path):
    generator = ScriptedGenerator()
    pipeline = fake_pipeline(index_path, generator)
    return Engine(pipeline, FeedbackLog(tmp_path / "feedback.jsonl"),
                  make_generator=lambda spec, config, index: generator)


def run_chat(engine, question, turns=None, settings=Settings()):
    return list(handlers.chat(engine, question, turns or [], settings))


# ---------------------------------------------------------------- chat


def test_chat_streams_then_shows_a_cited_answer_and_its_sources(engine):
    updates = run_chat(engine, "Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?")
    first_messages, _, first_turns = updates[0]
    assert first_turns == [] and "Đang tìm" in first_messages[-1]["content"]
    chat_messages, sources, turns = updates[-1]
    assert [m["role"] for m in chat_messages] == ["user", "assistant"]
    answer = chat_messages[1]["content"]
    assert '<a class="cite" href="#src-0-1"' in answer and 'title="Huyện ủy Tháp Mười' in answer
    assert sources.count('class="source-card"') == 1
    assert "tm_2021_tong_ket" in sources and "<mark" in sources and "<details" in sources
    assert 'id="src-0-1"' in sources and "Đã kiểm chứng" in sources
    assert turns[0]["answer"]["citations"][0]["article_id"] == "tm_2021_tong_ket"


def test_many_stream_pieces_accumulate(engine):
    class Streaming(StandInPipeline):
        index = engine.index

        def stream(self, question, history=None):
            yield "Năm 2021, "
            yield "huyện kết nạp "
            yield "186 đảng viên [1]."
            yield Answer(question=question, text="Năm 2021, huyện kết nạp 186 đảng viên [1].", answerable=True,
                         citations=(Citation(1, "tm_2021_tong_ket", "tm_2021_tong_ket#0", "T", None, "",
                                             "kết nạp 186 đảng viên mới", True),), hits=(), timings_ms={"total": 5})

    engine.pipeline = Streaming()
    updates = run_chat(engine, "Bao nhiêu đảng viên?")
    partial = [u[0][-1]["content"] for u in updates[1:-1]]
    assert len(partial) == 3 and "huyện kết nạp" in partial[1] and "186 đảng viên" in partial[2]
    assert 'class="cite"' in updates[-1][0][-1]["content"]


def test_follow_up_passes_the_conversation_and_new_chat_clears_it(engine):
    seen = []

    class Recording(StandInPipeline):
        index = engine.index

        def stream(self, question, history=None):
            seen.append(history)
            yield Answer(question=question, text="Không tìm thấy.", answerable=False, citations=(), hits=(),
                         timings_ms={})

    engine.pipeline = Recording()
    turns = run_chat(engine, "Huyện Mỹ Lộc năm 2022 có bao nhiêu xã nông thôn mới kiểu mẫu?")[-1][2]
    turns = run_chat(engine, "Còn thu nhập bình quân thì sao?", turns)[-1][2]
    assert seen == [None, ["Huyện Mỹ Lộc năm 2022 có bao nhiêu xã nông thôn mới kiểu mẫu?"]]
    assert len(turns) == 2
    assert handlers.new_chat("vi") == ([], render.empty_sources_html("vi"), [], "")


def test_real_follow_up_inherits_the_place(engine):
    turns = run_chat(engine, "Huyện Mỹ Lộc có bao nhiêu xã đạt chuẩn nông thôn mới kiểu mẫu năm 2022?")[-1][2]
    run_chat(engine, "Còn thu nhập bình quân đầu người thì sao?", turns)
    plan = engine.pipeline.generator.plans[-1]
    assert plan.places == ("my loc",) and 2022 in plan.years


@pytest.mark.parametrize("error, expected", [
    (InputError("the question is empty; type a question"), "the question is empty"),
    (ValueError("secret internal detail"), "Đã có lỗi ngoài dự kiến"),
])
def test_errors_become_friendly_messages(engine, error, expected, caplog):
    class Failing(StandInPipeline):
        index = engine.index

        def stream(self, question, history=None):
            raise error
            yield  # pragma: no cover

    engine.pipeline = Failing()
    chat_messages, sources, turns = run_chat(engine, "Câu hỏi?")[-1]
    content = chat_messages[-1]["content"]
    assert expected in content and "Traceback" not in content and "secret internal detail" not in content
    assert turns[-1]["error"] and "source-card" not in sources
    # A failed turn is not history for the next question.
    assert handlers._history(turns) == []


def test_empty_question_does_nothing(engine):
    assert run_chat(engine, "   ") == [([], render.empty_sources_html("vi"), [])]


def test_unsupported_sentence_is_marked(index_path, tmp_path):
    generator = ScriptedGenerator(extra_unsupported=True)
    engine = Engine(fake_pipeline(index_path, generator), None,
                    make_generator=lambda spec, config, index: generator)
    chat_messages, sources, _ = run_chat(engine, "Huyện Tháp Mười năm 2021 kết nạp bao nhiêu đảng viên?")[-1]
    answer = chat_messages[-1]["content"]
    assert 'class="sent-bad"' in answer and "99 cây cầu vàng" in answer
    assert 'class="cite cite-bad"' in answer
    assert "Không kiểm chứng được" in sources and "Đã kiểm chứng" in sources


def test_english_labels(engine):
    _, sources, _ = run_chat(engine, "What did Tháp Mười report in 2021?", settings=Settings(lang="en"))[-1]
    assert "Read the whole article" in sources and "Checked" in sources


# ---------------------------------------------------------------- filters


def test_filters_narrow_the_plan():
    plan = QueryPlan(question="q", text="q", language="vi", places=("thap muoi",), years=(2021, 2022))
    years = [2020, 2021, 2022, 2023]
    assert apply_filters(plan, Settings(), years) == plan
    assert apply_filters(plan, Settings(year_from=2020, year_to=2023), years) == plan
    assert apply_filters(plan, Settings(place="Mỹ Lộc"), years).places == ("my loc",)
    assert apply_filters(plan, Settings(year_from=2022, year_to=2023), years).years == (2022,)
    # No overlap: the question's own years win.
    assert apply_filters(plan, Settings(year_from=2023, year_to=2023), years).years == (2021, 2022)
    open_plan = replace(plan, years=())
    assert apply_filters(open_plan, Settings(year_from=2021, year_to=2022), years).years == (2021, 2022)


def test_filters_reach_retrieval(engine):
    settings = Settings(place="Cao Lãnh", top_k=3)
    run_chat(engine, "Có bao nhiêu xã đạt chuẩn nông thôn mới?", settings=settings)
    assert engine.pipeline.generator.plans[-1].places == ("cao lanh",)


def test_settings_from_raw_widget_values():
    s = settings_from("", "2023", 2021, "500", None, "en")
    assert s == Settings(place=None, year_from=2021, year_to=2023, top_k=MAX_TOP_K,
                                  generator="extractive", lang="en")
    assert settings_from("Tháp Mười", None, "x", "0", "extractive", "fr").lang == "vi"


def test_facets_come_from_the_index(engine):
    facets = engine.facets
    assert facets.places == ["Cao Lãnh", "Mỹ Lộc", "Tháp Mười"]
    assert facets.years[0] <= 2021 and facets.years[-1] == 2023


# ---------------------------------------------------------------- feedback


def test_feedback_is_logged_and_becomes_a_question_set(engine, tmp_path):
    turns = run_chat(engine, "Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?",
                     settings=Settings(top_k=5))[-1][2]
    assert "Cảm ơn" in handlers.rate(engine, turns, None, True, "  chính xác ", "vi")
    assert "Cảm ơn" in handlers.rate(engine, turns, handlers.turn_of_message(1), False, "", "vi")
    assert "Chưa có" in handlers.rate(engine, [], None, True, "", "vi")
    rows = read_log(tmp_path / "feedback.jsonl")
    assert [r["rating"] for r in rows] == ["up", "down"]
    row = rows[0]
    assert row["question"].startswith("Năm 2021") and row["comment"] == "chính xác" and row["time"]
    assert row["citations"][0]["article_id"] == "tm_2021_tong_ket" and row["settings"]["top_k"] == 5
    assert "[1]" in row["answer"]
    # The evaluation's converter reads this log: a 👍 answer's cited articles become gold ...
    (questions,), to_label, _ = feedback_rows(rows[:1])
    assert questions["gold_articles"] == ["tm_2021_tong_ket"] and questions["answerable"] is True
    assert to_label == []
    # ... and a later 👎 for the same question wins and asks for a label.
    good, (review,), _ = feedback_rows(rows[:1] + [dict(rows[0], rating="down", comment="sai")])
    assert good == [] and review["needs_label"] and review["comment"] == "sai"


@pytest.mark.parametrize("fault", ["size limit", "full disk"])
def test_a_failing_feedback_write_says_the_rating_was_not_saved_and_the_chat_goes_on(engine, tmp_path, fault, caplog):
    question = "Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?"
    turns = run_chat(engine, question)[-1][2]
    assert "Cảm ơn" in handlers.rate(engine, turns, None, True, "đúng", "vi")
    log_file = engine.feedback.path
    before = log_file.read_bytes()
    if fault == "size limit":  # room for part of a record: the write is cut short, then refused
        with file_size_limit(len(before) + 100):
            shown = {lang: handlers.rate(engine, turns, None, False, "x" * 1500, lang) for lang in ("vi", "en")}
        assert "file-size limit" in shown["en"] and "giới hạn kích thước tệp" in shown["vi"]
        assert "ulimit -f" in caplog.text and log_file.read_bytes() == before  # no half line left
    else:  # /dev/full refuses every write with ENOSPC: a full disk without filling one
        engine.feedback = FeedbackLog(Path("/dev/full"))
        shown = {lang: handlers.rate(engine, turns, None, False, None, lang) for lang in ("vi", "en")}
        assert "disk is full" in shown["en"] and "ổ đĩa của máy chủ đã đầy" in shown["vi"]
    assert shown["en"].startswith('<div class="upload bad">Your rating was not saved (')
    assert "chưa được lưu" in shown["vi"] and "Traceback" not in shown["en"] + shown["vi"]
    assert "Cảm ơn" not in shown["vi"] and "saved." not in shown["en"]
    chat_messages, sources, more_turns = run_chat(engine, question, turns)[-1]  # the chat goes on
    assert len(more_turns) == 2 and more_turns[-1]["error"] is None and "source-card" in sources
    assert [r["rating"] for r in read_log(log_file if fault == "size limit" else tmp_path / "feedback.jsonl")] == ["up"]


def test_feedback_export_cli(tmp_path, engine):
    turns = run_chat(engine, "What did Tháp Mười report in 2021?")[-1][2]
    handlers.rate(engine, turns, 0, True, None, "en")
    out_file = tmp_path / "questions.jsonl"
    subprocess.run([sys.executable, "-m", "rag.cli", "eval-convert", "feedback", str(tmp_path / "feedback.jsonl"),
                    "--out", str(out_file)], capture_output=True, text=True, check=True)
    row = read_jsonl(out_file)[0]
    assert row["question"] == "What did Tháp Mười report in 2021?" and row["gold_articles"]


# ---------------------------------------------------------------- uploads


def test_upload_is_searchable_at_once(engine):
    html, facets = handlers.upload(engine, [str(UI_UPLOAD / "hn_2022_lua_dong_xuan.txt")], "vi")
    assert "Đã thêm 1 bài viết" in html and "hn_2022_lua_dong_xuan" in html
    assert "Hồng Ngự" in facets.places and "hn_2022_lua_dong_xuan" in engine.index.articles
    _, sources, _ = run_chat(engine, "Vụ Đông Xuân năm 2022 thị xã Hồng Ngự thu hoạch bao nhiêu ha lúa?")[-1]
    assert "Thị xã Hồng Ngự thu hoạch lúa" in sources
    # The uploaded article's <script> shows as text in its card.
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in sources and "<script>" not in sources


def test_upload_rejects_a_bad_file_by_name_and_keeps_the_index(engine, tmp_path):
    bad = tmp_path / "hỏng.txt"
    bad.write_bytes(b"")
    before = set(engine.index.articles)
    html, _ = handlers.upload(engine, [str(bad)], "vi")
    assert "hỏng.txt" in html and "Bị từ chối" in html and "Không có bài viết nào" in html
    assert set(engine.index.articles) == before
    assert "Hãy chọn" in handlers.upload(engine, [], "vi")[0]


def test_upload_failure_is_friendly(engine):
    def explode(*args, **kwargs):
        raise RuntimeError("boom at /secret/path")

    html, _ = handlers.upload(engine, [str(UI_UPLOAD / "hn_2022_lua_dong_xuan.txt")], "en", add=explode)
    assert "unexpected error" in html and "/secret/path" not in html


# ---------------------------------------------------------------- wiring


def test_rag_library_never_imports_gradio():
    code = ("import sys, rag.cli.main, rag.pipeline, rag.index.update, ui.serve, ui.handlers, ui.render; "
            "sys.exit('gradio' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_serve_command_options():
    from rag.cli.main import build_parser
    from ui.serve import parse_auth
    from rag.errors import ConfigError

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.auth, args.lang) == ("127.0.0.1", 7860, None, "vi")
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000", "--auth", "a:b:c", "--llm", "extractive"])
    assert (args.host, args.port, args.llm) == ("0.0.0.0", 9000, "extractive")
    assert parse_auth("a:b:c") == ("a", "b:c") and parse_auth(None) is None
    with pytest.raises(ConfigError):
        parse_auth("nopassword")


def test_build_app_exposes_the_chat_endpoint(engine):
    gr = need_module("gradio")
    from ui.app import build_app

    app = build_app(engine.pipeline, engine=engine)
    assert isinstance(app, gr.Blocks)
    names = {d.get("api_name") for d in app.config["dependencies"]}
    assert {"chat", "upload", "feedback_up"} <= names
