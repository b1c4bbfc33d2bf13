"""Settings: defaults, then RAG_* environment variables, then command-line options. The only reader of
the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from rag.errors import ConfigError

ENV_PREFIX = "RAG_"
RETRIEVER_MODES = ("hybrid", "dense", "bm25")  # rag.retrieve.hybrid: both rankings fused, e5 alone, BM25 alone


@dataclass(frozen=True)
class Config:
    """Everything `build_pipeline` needs. Environment: RAG_INDEX, RAG_EMBEDDER, RAG_LLM, RAG_TOP_K,
    RAG_RETRIEVER, RAG_BASE_URL, RAG_TEMPERATURE, RAG_MAX_TOKENS, RAG_CONTEXT_WINDOW, RAG_TIMEOUT, RAG_FALLBACK,
    RAG_CACHE_DIR, RAG_AUTH, RAG_VECTOR_STORE; OPENAI_API_KEY for OpenAI-compatible servers (never logged or saved)."""

    index: Path = Path("index/default")
    embedder: str | None = None  # None: whatever the index was built with
    llm: str = "extractive"
    top_k: int = 10
    retriever: str = "hybrid"
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    temperature: float = 0.0
    max_tokens: int = 512
    context_window: int | None = None  # tokens the LLM accepts; None: known model sizes, else 8192
    timeout: float = 60.0
    fallback: bool = False  # fall back to the extractive answer when the LLM fails
    cache_dir: Path = field(default_factory=lambda: cache_dir_from_env({}))  # home read when a Config is made
    auth: str | None = field(default=None, repr=False)  # "user:password" protecting `rag serve`
    vector_store: str = "faiss"  # or "milvus:<path.db | http://host:19530>"

    def with_overrides(self, **overrides) -> "Config":
        """Apply command-line options; None means 'not given'."""
        given = {k: v for k, v in overrides.items() if v is not None}
        if "index" in given:
            given["index"] = Path(given["index"])
        return _validated(replace(self, **given))


def _number(name: str, raw: str, kind):
    try:
        return kind(raw)
    except ValueError as exc:
        raise ConfigError(f"{ENV_PREFIX}{name}={raw!r} is not a valid {kind.__name__}") from exc


def _validated(config: Config) -> Config:
    if config.top_k < 1 or config.top_k > 100:
        raise ConfigError(f"top-k must be between 1 and 100, got {config.top_k}")
    if config.retriever not in RETRIEVER_MODES:
        raise ConfigError(f"unknown retriever '{config.retriever}'; valid: {', '.join(RETRIEVER_MODES)}")
    if config.vector_store != "faiss" and not config.vector_store.startswith("milvus:"):
        raise ConfigError(f"unknown vector store '{config.vector_store}'; valid: faiss, milvus:<path.db or URL>")
    if config.timeout <= 0:
        raise ConfigError(f"timeout must be positive, got {config.timeout}")
    return config


def cache_dir_from_env(environ: dict[str, str] | None = None) -> Path:
    """Where caches live (embeddings, dequantized weights, tiktoken's file, the UI's feedback log):
    RAG_CACHE_DIR, else ~/.cache/vn-news-rag under the current HOME."""
    env = os.environ if environ is None else environ
    return Path(env[ENV_PREFIX + "CACHE_DIR"]) if env.get(ENV_PREFIX + "CACHE_DIR") else (
        Path.home() / ".cache" / "vn-news-rag")


def set_library_defaults(**values: str) -> None:
    """Settings other libraries read from the environment (HF_HUB_OFFLINE, OMP_NUM_THREADS, ...): set unless
    the user set them. Kept here so that this module stays the one place that touches the environment."""
    for name, value in values.items():
        os.environ.setdefault(name, value)


def from_env(environ: dict[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = env.get(ENV_PREFIX + name)
        return value if value not in (None, "") else None

    values: dict = {}
    if get("INDEX"):
        values["index"] = Path(get("INDEX"))
    for name, key in (("EMBEDDER", "embedder"), ("LLM", "llm"), ("RETRIEVER", "retriever"), ("BASE_URL", "base_url")):
        if get(name):
            values[key] = get(name)
    if get("TOP_K"):
        values["top_k"] = _number("TOP_K", get("TOP_K"), int)
    for name, key in (("TEMPERATURE", "temperature"), ("TIMEOUT", "timeout")):
        if get(name):
            values[key] = _number(name, get(name), float)
    if get("CONTEXT_WINDOW"):
        values["context_window"] = _number("CONTEXT_WINDOW", get("CONTEXT_WINDOW"), int)
    if get("MAX_TOKENS"):
        values["max_tokens"] = _number("MAX_TOKENS", get("MAX_TOKENS"), int)
    if get("FALLBACK"):
        values["fallback"] = get("FALLBACK").lower() in ("1", "true", "yes", "on")
    values["cache_dir"] = cache_dir_from_env(env)
    if get("VECTOR_STORE"):
        values["vector_store"] = get("VECTOR_STORE")
    if get("AUTH"):
        values["auth"] = get("AUTH")
    if env.get("OPENAI_API_KEY"):
        values["api_key"] = env["OPENAI_API_KEY"]
    return _validated(Config(**values))
