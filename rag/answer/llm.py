"""LLM answers through LangChain chat models: backends by spec, the generator (plain and streaming),
follow-up condensing, and errors that name the server, what happened and how to fix it.

Specs: `openai:<model>` (OpenAI, or any OpenAI-compatible server with --base-url: vLLM, llama.cpp server,
LM Studio), `ollama:<model>` (Ollama's OpenAI-compatible /v1 endpoint, so no extra package), and
`llamacpp:<path.gguf>` (llama-cpp-python in process, an optional extra). The API key comes from
OPENAI_API_KEY through Config and is never logged, saved or shown in a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
from langchain_core.language_models.chat_models import BaseChatModel

from rag.cite.checker import best_quote, is_decline, split_answer
from rag.cite.markers import MarkerRewriter, markers_in, renumber, strip_markers
from rag.config import Config
from rag.errors import BackendError, ConfigError
from rag.answer.generator import Draft, Generator, decline_unmet_constraints
from rag.answer.llm_errors import explain
from rag.answer.prompts import condense_messages, render_messages
from rag.schema import Citation, Hit, QueryPlan

OPENAI_URL = "https://api.openai.com/v1"
OLLAMA_URL = "http://127.0.0.1:11434/v1"
DEFAULT_CONTEXT_WINDOW = 8192
# Known context windows by model-name prefix; anything else gets the default, which every current model meets.
_CONTEXT_WINDOWS = (("gpt-4o", 128_000), ("gpt-4.1", 1_000_000), ("gpt-5", 400_000), ("gpt-3.5", 16_385),
                    ("qwen2.5", 32_768), ("qwen3", 32_768), ("llama3.1", 128_000), ("llama3.2", 128_000),
                    ("gemma3", 32_768), ("gemma-3", 32_768), ("mistral", 32_768))


@dataclass(frozen=True)
class Backend:
    """A constructed chat model and where it runs (a URL or a file path), for error messages."""

    spec: str
    model: BaseChatModel
    where: str
    model_name: str
    context_window: int


def context_window_for(model_name: str, config: Config) -> int:
    configured = getattr(config, "context_window", None)
    if configured:
        return int(configured)
    name = model_name.lower().rsplit("/", 1)[-1]
    return next((size for prefix, size in _CONTEXT_WINDOWS if name.startswith(prefix)), DEFAULT_CONTEXT_WINDOW)


def _chat_openai(model_name: str, url: str, api_key: str, config: Config) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    # No retries: a dead or slow server should fail once, fast and clearly, not three times over.
    return ChatOpenAI(model=model_name, base_url=url, api_key=api_key, temperature=config.temperature,
                      max_tokens=config.max_tokens, timeout=config.timeout, max_retries=0)


def _openai(model_name: str, config: Config) -> Backend:
    url = (config.base_url or OPENAI_URL).rstrip("/")
    key = config.api_key
    if not key and url == OPENAI_URL:
        raise ConfigError("openai: needs an API key for api.openai.com. Fix: export OPENAI_API_KEY=..., "
                          "or point --base-url at a local OpenAI-compatible server")
    # Local servers (llama.cpp, vLLM, LM Studio) accept any key, but the client insists on one.
    model = _chat_openai(model_name, url, key or "no-key", config)
    return Backend(f"openai:{model_name}", model, url, model_name, context_window_for(model_name, config))


def _ollama(model_name: str, config: Config) -> Backend:
    url = (config.base_url or OLLAMA_URL).rstrip("/")
    if not url.endswith("/v1"):
        url += "/v1"  # users give Ollama's own address; its OpenAI-compatible API lives under /v1
    model = _chat_openai(model_name, url, config.api_key or "ollama", config)
    return Backend(f"ollama:{model_name}", model, url, model_name, context_window_for(model_name, config))


def _llamacpp(path: str, config: Config) -> Backend:
    from rag.answer.llamacpp import make_llamacpp_model

    window = context_window_for(path, config)
    window = min(window, getattr(config, "context_window", None) or 8192)  # n_ctx costs memory up front
    model = make_llamacpp_model(path, config.temperature, config.max_tokens, window)
    return Backend(f"llamacpp:{path}", model, path, path, window)


LLM_BACKENDS: dict[str, Callable[[str, Config], Backend]] = {
    "openai": _openai, "ollama": _ollama, "llamacpp": _llamacpp,
}


def make_backend(spec: str, config: Config) -> Backend:
    name, _, rest = spec.partition(":")
    if name not in LLM_BACKENDS:
        valid = ", ".join(["extractive"] + [f"{n}:<model>" for n in LLM_BACKENDS])
        raise ConfigError(f"unknown generator '{spec}'; valid: {valid}")
    if not rest.strip():
        example = "llamacpp:~/models/model.gguf" if name == "llamacpp" else f"{name}:qwen2.5:7b-instruct"
        raise ConfigError(f"'{spec}' names no model. Fix: e.g. --llm {example}")
    return LLM_BACKENDS[name](rest.strip(), config)


def make_llm_generator(spec: str, config: Config, fallback: Generator | None = None) -> "LLMGenerator":
    """The generator for an LLM spec; with `fallback` (the extractive generator), a failing backend gives
    the extractive answer with a notice instead of an error."""
    return LLMGenerator(make_backend(spec, config), config, fallback)


class LLMGenerator:
    """Satisfies `rag.answer.generator.Generator` and `Condenser`."""

    def __init__(self, backend: Backend, config: Config, fallback: Generator | None = None) -> None:
        self.backend = backend
        self.config = config
        self.fallback = fallback
        self.name = backend.spec
        self.needs_query_vector = fallback is not None  # the extractive fallback scores with it

    def generate(self, plan: QueryPlan, hits: list[Hit], query_vector: np.ndarray | None = None) -> Draft:
        return self._answer(plan, hits, query_vector, streaming=False)[-1]

    def stream_draft(self, plan: QueryPlan, hits: list[Hit], query_vector: np.ndarray | None = None
                     ) -> Iterator[str | Draft]:
        """Text pieces as the model writes them (markers as the model wrote them), then the Draft, whose
        text is the final, renumbered answer."""
        yield from self._answer(plan, hits, query_vector, streaming=True)

    def condense(self, history: list[str], question: str) -> str:
        return condense_question(self, history, question)

    # ------------------------------------------------------------------ internals

    def _answer(self, plan, hits, query_vector, streaming: bool):
        """A generator when streaming, else a one-item list holding the Draft."""
        if not streaming:
            return [next(d for d in self._run(plan, hits, query_vector, streaming) if isinstance(d, Draft))]
        return self._run(plan, hits, query_vector, streaming)

    def _run(self, plan: QueryPlan, hits: list[Hit], query_vector, streaming: bool) -> Iterator[str | Draft]:
        declined = decline_unmet_constraints(plan, hits)
        if declined:
            yield declined
            return
        usable = [h for h in hits if h.matches_constraints]
        messages, sources = render_messages(plan, usable, self.backend.context_window, self.config.max_tokens)
        if not sources.hits:
            raise ConfigError(f"the context window of {self.backend.spec} ({self.backend.context_window} tokens) "
                              "leaves no room for a passage. Fix: lower --max-tokens")
        pieces: list[str] = []
        try:
            if streaming:
                # Markers are renumbered as they stream, so what a user watches is the final text.
                rewriter = MarkerRewriter(len(sources.hits))
                for chunk in self.backend.model.stream(messages):
                    text = chunk.content if isinstance(chunk.content, str) else ""
                    pieces.append(text)
                    shown = rewriter.feed(text)
                    if shown:
                        yield shown
                tail = rewriter.flush()
                if tail:
                    yield tail
            else:
                reply = self.backend.model.invoke(messages)
                pieces.append(reply.content if isinstance(reply.content, str) else "")
            draft = self.to_draft(plan, "".join(pieces), list(sources.hits))
        except Exception as exc:  # any failure of the backend: explained, then raised or replaced
            error = exc if isinstance(exc, BackendError) else explain(exc, self.backend, self.config)
            if self.fallback is None or query_vector is None:
                raise error from exc
            draft = self.fallback.generate(plan, hits, query_vector)
            notice = f"{error} — showing the extractive answer instead"
            draft = Draft(draft.text, draft.citations, draft.answerable, notice)
            if streaming:
                yield draft.text
        yield draft

    def to_draft(self, plan: QueryPlan, raw: str, hits: list[Hit]) -> Draft:
        """Map the model's [n] to the numbered hits: renumber by first use, drop markers naming no source."""
        text = raw.strip()
        if not text:
            raise BackendError(f"the LLM server at {self.backend.where} returned an empty answer. "
                               "Fix: check the model name, or raise --max-tokens")
        result = renumber(text, len(hits))
        sentences = split_answer(result.text)
        if sentences and all(is_decline(s) for s in sentences):
            return Draft(strip_markers(result.text), (), False)
        citations = []
        for old, new in sorted(result.mapping.items(), key=lambda kv: kv[1]):
            chunk = hits[old - 1].chunk
            citing = next((s for s in sentences if new in markers_in(s)), result.text)
            citations.append(Citation(marker=new, article_id=chunk.article_id, chunk_id=chunk.id, title=chunk.title,
                                      date=chunk.date, place=chunk.place.label(),
                                      quote=best_quote(citing, chunk.text), supported=None))
        notices = []
        if result.removed:
            listed = ", ".join(f"[{n}]" for n in result.removed)
            notices.append(f"removed citation marker(s) {listed}: the model was given only {len(hits)} sources")
        if not citations:
            notices.append("the model cited no source, so nothing in this answer is verified")
        return Draft(result.text, tuple(citations), True, "; ".join(notices) or None)


def condense_question(llm: "LLMGenerator | BaseChatModel", history: list[str], question: str) -> str:
    """A standalone question from earlier turns and a follow-up, written by the LLM; the question itself
    when there is no history. Raises BackendError when the backend fails."""
    if not history:
        return question
    backend = llm.backend if isinstance(llm, LLMGenerator) else None
    model = backend.model if backend else llm
    try:
        reply = model.invoke(condense_messages(history, question))
    except Exception as exc:
        if backend is None:
            raise BackendError(f"the LLM could not condense the follow-up question: {type(exc).__name__}") from exc
        raise explain(exc, backend, llm.config) from exc
    text = reply.content if isinstance(reply.content, str) else ""
    line = next((ln.strip().strip('"“”') for ln in text.splitlines() if ln.strip()), "")
    return line or question
