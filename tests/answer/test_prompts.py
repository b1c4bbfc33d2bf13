"""The LLM prompt (golden files), its token budget, and how the LLM generator reads a model's reply,
with LangChain's fake chat models in place of a server.

Golden files: tests/data/golden/prompt_*.txt. After an intended prompt change, regenerate them with
UPDATE_GOLDEN=1 pytest tests/test_prompts.py and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ci_needs import need_module
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from rag.config import Config
from rag.errors import BackendError, ConfigError
from rag.answer.generator import Draft
from rag.answer.llm import Backend, LLMGenerator, condense_question, make_backend
from rag.answer.prompts import fit_sources, render_messages
from rag.schema import Chunk, Hit, Place, QueryPlan
from rag.ingest.tokens import count_tokens

GOLDEN = Path(__file__).parent.parent / "data" / "golden"


def _hit(n: int, sentences: tuple[str, ...], score: float, place: str = "Mỹ Lộc", date: str | None = "2021-12-30") -> Hit:
    chunk = Chunk(id=f"art{n}#0", article_id=f"art{n}", ordinal=0, text=" ".join(sentences), sentences=sentences,
                  title=f"Bài {n}: Huyện ủy {place} tổng kết năm 2021", date=date, place=Place(place, "Nam Định"),
                  years=(2021,), n_tokens=40)
    return Hit(chunk=chunk, score=score, row=n)


HITS = [
    _hit(1, ("Năm 2021, toàn huyện kết nạp 47 đảng viên mới, đạt 117% kế hoạch.",
             "Ủy ban Kiểm tra thi hành kỷ luật 9 đảng viên."), 0.9),
    _hit(2, ("Huyện ủy Tháp Mười tổ chức hội nghị ngày 10/01/2022.", "Hội nghị có 150 đại biểu."), 0.7,
         place="Tháp Mười", date=None),
    _hit(3, ("Huyện Cao Lãnh có 4.100 ha xoài.",), 0.5, place="Cao Lãnh"),
]
PLAN_VI = QueryPlan(question="Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?", text="", language="vi")
PLAN_EN = QueryPlan(question="How many new party members did Mỹ Lộc admit in 2021?", text="", language="en")


def _render(messages) -> str:
    return "\n".join(f"### {m.type}\n{m.content}" for m in messages) + "\n"


@pytest.mark.parametrize("plan, name", [(PLAN_VI, "prompt_vi.txt"), (PLAN_EN, "prompt_en.txt")])
def test_prompt_matches_golden_file(plan, name):
    messages, sources = render_messages(plan, HITS, context_window=8192, max_tokens=512)
    rendered = _render(messages)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        (GOLDEN / name).write_text(rendered, encoding="utf-8")
    assert rendered == (GOLDEN / name).read_text(encoding="utf-8")
    assert [h.chunk.id for h in sources.hits] == ["art1#0", "art2#0", "art3#0"]


def test_budget_drops_the_weakest_passages_and_never_cuts_a_sentence():
    first, second = HITS[0], HITS[1]
    whole_first = count_tokens(f"[1] {first.chunk.title} · 2021-12-30 · Mỹ Lộc, Nam Định\n{first.chunk.text}") + 2
    one_sentence = count_tokens(f"[2] {second.chunk.title} · Tháp Mười, Nam Định\n{second.chunk.sentences[0]}") + 2
    sources = fit_sources(HITS, whole_first + one_sentence + 1)
    assert [h.chunk.id for h in sources.hits] == ["art1#0", "art2#0"] and sources.truncated
    assert sources.block.endswith(second.chunk.sentences[0])  # whole first sentence, nothing of the second
    assert [h.chunk.id for h in fit_sources(HITS, whole_first + 1).hits] == ["art1#0"]
    assert fit_sources(HITS, 5).hits == ()
    # a small context window keeps fewer passages in the rendered prompt
    _, small = render_messages(PLAN_VI, HITS, context_window=1150, max_tokens=512)
    assert 0 < len(small.hits) < 3


class _Broken(FakeListChatModel):
    """A chat model whose every call fails, as a misbehaving backend does."""

    def _call(self, *args, **kwargs):
        raise RuntimeError("boom")

    def _stream(self, *args, **kwargs):
        raise RuntimeError("boom")


def _generator(replies: list[str], fallback=None, error: Exception | None = None) -> LLMGenerator:
    model = _Broken(responses=["x"]) if error is not None else FakeListChatModel(responses=replies)
    backend = Backend("openai:fake", model, "http://127.0.0.1:1/v1", "fake", 8192)
    return LLMGenerator(backend, Config(), fallback)


def test_reply_markers_map_to_the_numbered_hits():
    reply = "Năm 2021, huyện kết nạp 47 đảng viên mới [2]. Huyện có 4.100 ha xoài [3][7]."
    hits = [HITS[1], HITS[0], HITS[2]]  # the model sees art2 as [1], art1 as [2], art3 as [3]
    draft = _generator([reply]).generate(PLAN_VI, hits)
    assert draft.text == "Năm 2021, huyện kết nạp 47 đảng viên mới [1]. Huyện có 4.100 ha xoài [2]."
    assert [(c.marker, c.article_id) for c in draft.citations] == [(1, "art1"), (2, "art3")]
    assert draft.citations[0].quote == "Năm 2021, toàn huyện kết nạp 47 đảng viên mới, đạt 117% kế hoạch."
    assert draft.answerable and "[7]" in draft.notice


def test_reply_without_citation_or_declining():
    bare = _generator(["Huyện kết nạp 47 đảng viên mới."]).generate(PLAN_VI, HITS)
    assert bare.citations == () and bare.answerable and "cited no source" in bare.notice
    refusal = "Tôi không tìm thấy câu trả lời cho câu hỏi này trong các bài viết đã lập chỉ mục."
    declined = _generator([refusal]).generate(PLAN_VI, HITS)
    assert not declined.answerable and declined.citations == () and declined.text == refusal


def test_streaming_yields_pieces_then_the_draft():
    reply = "Năm 2021, huyện kết nạp 47 đảng viên mới [3]."
    out = list(_generator([reply]).stream_draft(PLAN_VI, [HITS[2], HITS[1], HITS[0]]))
    pieces, draft = [p for p in out if isinstance(p, str)], out[-1]
    assert len(pieces) > 5 and isinstance(draft, Draft)
    assert "".join(pieces) == draft.text == "Năm 2021, huyện kết nạp 47 đảng viên mới [1]."


class _Extractive:
    name = "extractive"

    def generate(self, plan, hits, query_vector=None) -> Draft:
        return Draft("extractive answer [1].", (), True)


def test_failing_model_raises_or_falls_back():
    with pytest.raises(BackendError, match="127.0.0.1:1"):
        _generator([], error=RuntimeError("boom")).generate(PLAN_VI, HITS)
    draft = _generator([], fallback=_Extractive(), error=RuntimeError("boom")).generate(PLAN_VI, HITS, query_vector=[0.0])
    assert draft.text == "extractive answer [1]." and "extractive answer instead" in draft.notice


def test_condense_question():
    model = FakeListChatModel(responses=["Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?\n"])
    assert condense_question(model, ["Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?"],
                             "Còn Tháp Mười thì sao?") == "Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?"
    assert condense_question(model, [], "Câu hỏi?") == "Câu hỏi?"


def test_backend_specs_are_validated():
    with pytest.raises(ConfigError, match="valid: extractive, openai:<model>, ollama:<model>, llamacpp:<model>"):
        make_backend("gpt:4", Config())
    with pytest.raises(ConfigError, match="names no model"):
        make_backend("openai:", Config())
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        make_backend("openai:gpt-4o-mini", Config(api_key=None))
    with pytest.raises(ConfigError, match="no GGUF model file"):
        make_backend("llamacpp:/nonexistent/model.gguf", Config())
    ollama = make_backend("ollama:qwen2.5:7b", Config(base_url="http://127.0.0.1:11434"))
    assert ollama.where == "http://127.0.0.1:11434/v1" and ollama.context_window == 32768


def test_llamacpp_without_the_package_says_how_to_install(tmp_path):
    need_module("langchain_core")
    try:
        import llama_cpp  # noqa: F401
        pytest.skip("llama-cpp-python is installed here")
    except ImportError:
        pass
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"GGUF")
    with pytest.raises(BackendError, match="pip install"):
        make_backend(f"llamacpp:{fake}", Config())
