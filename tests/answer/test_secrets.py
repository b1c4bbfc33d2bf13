"""The API key never leaks: not on stdout or stderr, not in Answer JSON, not in the UI's feedback log or
logs, not in evaluation run records, whatever the LLM server does (down, echoing the key back in an
error, answering normally).

`rag` runs as a subprocess with OPENAI_API_KEY set, over a small index built with the hashing embedder
(the runner of tests/test_faults.py), against the scripted server of tests/test_llm_server.py.
"""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest

from rag.config import Config, from_env

from test_faults import run as rag  # the real CLI with the hashing embedder registered
from test_llm_server import Reply, cited, server  # noqa: F401  (server is a fixture)
from ui_fakes import HashEmbedder, build_fake_index

KEY = "sk-test-SECRET-5f3a9c1e7b2d4068"
QUESTION = "Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?"
GOOD = "Năm 2021, Đảng bộ huyện Tháp Mười kết nạp 186 đảng viên mới [{n}]."
# Ways servers echo a key back: whole, quoted in JSON, and in the masked forms some servers print.
ECHOES = [
    Reply(f"Incorrect API key provided: {KEY}. You can find your API key at ...", status=401),
    Reply(f"internal error while checking key {KEY}", status=500),
    Reply(f"bad request from key={KEY}", status=400),
    Reply(raw=json.dumps({"error": {"message": f"invalid key {KEY}", "key": KEY}}).encode(), status=403),
]


def _leaks(text: str) -> list[str]:
    """Any form of the key in `text`: whole, or a long enough piece of its secret part."""
    secret = KEY.split("sk-test-")[1]
    return [piece for piece in (KEY, secret, secret[:12], secret[-12:]) if piece in text]


@pytest.fixture
def index(tmp_path) -> Path:
    return build_fake_index(tmp_path / "idx")


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _ask(index: Path, url: str, *extra: str, cwd: Path):
    return rag("ask", "--index", str(index), "--llm", "openai:test-model", "--base-url", url, "--timeout", "5",
               *extra, cwd=cwd, settings={"OPENAI_API_KEY": KEY})


def test_config_and_backend_never_show_the_key(index):
    from rag.answer.llm import make_backend

    config = from_env({"OPENAI_API_KEY": KEY, "RAG_INDEX": str(index)})
    assert config.api_key == KEY
    backend = make_backend("openai:test-model", config.with_overrides(base_url="http://127.0.0.1:9/v1"))
    for shown in (repr(config), str(config), repr(backend), str(backend.model), repr(backend.model)):
        assert _leaks(shown) == [], shown


def test_dead_endpoint_errors_and_fallback_answers_hold_no_key(index, tmp_path):
    from rag.errors import BackendError
    from rag.pipeline import build_pipeline

    url = _closed_port_url()
    dead = _ask(index, url, QUESTION, "--json", cwd=tmp_path)
    assert dead.returncode == 1 and f"cannot reach the LLM server at {url}" in dead.stderr
    assert _leaks(dead.stdout + dead.stderr) == []
    config = Config(index=index, llm="openai:test-model", base_url=url, api_key=KEY, timeout=5)
    with pytest.raises(BackendError) as info:
        build_pipeline(config, embedder=HashEmbedder()).answer(QUESTION)
    fallback = build_pipeline(Config(**{**config.__dict__, "fallback": True}), embedder=HashEmbedder()).answer(QUESTION)
    assert "extractive answer instead" in fallback.notice
    for text in (str(info.value), repr(info.value), json.dumps(fallback.to_dict(), ensure_ascii=False)):
        assert _leaks(text) == []


def test_answers_and_key_echoing_errors_hold_no_key(server, index, tmp_path):  # noqa: F811
    script, url = server
    script.replies += [cited(GOOD, "kết nạp 186"), *ECHOES]
    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps({"id": f"q{i}", "question": QUESTION}, ensure_ascii=False) + "\n"
                                 for i in range(1 + len(ECHOES))), encoding="utf-8")
    result = _ask(index, url, "--batch", str(questions), "--json", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["answer"].startswith("Năm 2021, Đảng bộ huyện Tháp Mười kết nạp 186") and rows[0]["citations"]
    assert all(row.get("error") for row in rows[1:]), rows
    assert "refused the API key (HTTP 401)" in rows[1]["error"]
    assert script.headers[0]["authorization"] == f"Bearer {KEY}"  # the key did reach the server
    assert _leaks(result.stdout + result.stderr) == []


def test_ui_feedback_log_and_server_logs_hold_no_key(server, index, tmp_path, caplog):  # noqa: F811
    from rag.pipeline import build_pipeline
    from ui import handlers
    from ui.engine import Engine, Settings
    from ui.feedback import FeedbackLog

    script, url = server
    script.replies += [ECHOES[0], cited(GOOD, "kết nạp 186"), ECHOES[1]]
    config = Config(index=index, llm="openai:test-model", base_url=url, api_key=KEY, timeout=5)
    feedback = tmp_path / "feedback.jsonl"
    engine = Engine(build_pipeline(config, embedder=HashEmbedder()), FeedbackLog(feedback))
    settings = Settings(generator="openai:test-model")
    caplog.set_level(logging.DEBUG)
    shown = []
    turns: list = []
    for liked in (False, True, False):
        messages, sources, turns = list(handlers.chat(engine, QUESTION, turns, settings))[-1]
        shown += [messages[-1]["content"], sources]
        shown.append(handlers.rate(engine, turns, None, liked, f"comment {liked}", "vi"))
    assert "refused the API key" in shown[0] and "186 đảng viên" in shown[3]
    log = feedback.read_text(encoding="utf-8")
    assert len(log.splitlines()) == 3 and json.loads(log.splitlines()[0])["error"]
    records = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for text in (*shown, log, records, json.dumps(turns, ensure_ascii=False)):
        assert _leaks(text) == []


def test_eval_run_records_hold_no_key(server, index, tmp_path):  # noqa: F811
    script, url = server
    script.replies += [cited(GOOD, "kết nạp 186"), ECHOES[0], ECHOES[2]]
    questions = tmp_path / "set.jsonl"
    rows = [{"id": f"q{i}", "question": QUESTION, "lang": "vi", "gold_articles": ["tm_2021_tong_ket"],
             "answer_facts": ["186"], "answerable": True} for i in range(3)]
    questions.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "runs"
    result = rag("eval", str(questions), "--index", str(index), "--llm", "openai:test-model", "--base-url", url,
                 "--out-dir", str(out), "--no-report", "--resamples", "20", "--quiet", "--json", "--timeout", "5",
                 cwd=tmp_path, settings={"OPENAI_API_KEY": KEY})
    assert result.returncode == 0, result.stderr
    files = [f for f in out.rglob("*") if f.is_file()]
    assert {f.name for f in files} >= {"summary.json", "records.jsonl", "outputs.jsonl"}
    summary = json.loads((files[0].parent / "summary.json").read_text(encoding="utf-8"))
    assert summary["config"]["llm"] == "openai:test-model" and "api_key" not in summary["config"]
    assert "refused the API key" in (files[0].parent / "outputs.jsonl").read_text(encoding="utf-8")
    for text in [f.read_text(encoding="utf-8", errors="replace") for f in files] + [result.stdout, result.stderr]:
        assert _leaks(text) == []


def test_a_key_inside_the_base_url_is_masked(server, index):  # noqa: F811
    from rag.errors import BackendError
    from rag.evaluate.summary import config_to_json
    from rag.pipeline import build_pipeline

    script, url = server
    script.replies += [ECHOES[1]]
    password = KEY.split("sk-test-")[1]  # a plain token: nothing marks it as a key but where it stands
    config = Config(index=index, llm="openai:test-model", base_url=url.replace("http://", f"http://user:{password}@"),
                    timeout=5)
    with pytest.raises(BackendError) as info:
        build_pipeline(config, embedder=HashEmbedder()).answer(QUESTION)
    shown = {"error message": str(info.value), "eval summary config": json.dumps(config_to_json(config))}
    assert {where: _leaks(text) for where, text in shown.items()} == {where: [] for where in shown}
