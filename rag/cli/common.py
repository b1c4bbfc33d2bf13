"""What every `rag` command shares: messages on stderr, the Config from options, the common options."""

from __future__ import annotations

import argparse
import sys

from rag.config import RETRIEVER_MODES, Config, from_env


def eprint(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def config_from_args(args: argparse.Namespace) -> Config:
    return from_env().with_overrides(
        index=getattr(args, "index", None),
        embedder=getattr(args, "embedder", None),
        llm=getattr(args, "llm", None),
        top_k=getattr(args, "top_k", None),
        retriever=getattr(args, "retriever", None),
        base_url=getattr(args, "base_url", None),
        temperature=getattr(args, "temperature", None),
        max_tokens=getattr(args, "max_tokens", None),
        timeout=getattr(args, "timeout", None),
        context_window=getattr(args, "context_window", None),
        vector_store=getattr(args, "vector_store", None),
        fallback=True if getattr(args, "fallback", False) else None,
    )


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", help="index folder (default index/default, or RAG_INDEX)")
    parser.add_argument("--vector-store", dest="vector_store",
                        help="faiss (default) or milvus:<path.db | http://host:19530> (or RAG_VECTOR_STORE)")


def add_generation(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm", help="generator: extractive (default), openai:<model>, ollama:<model>, llamacpp:<path.gguf>")
    parser.add_argument("--base-url", dest="base_url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--top-k", dest="top_k", type=int, help="passages retrieved (default 10)")
    parser.add_argument("--retriever", choices=RETRIEVER_MODES, help="retrieval mode (default hybrid)")
    parser.add_argument("--temperature", type=float)
    parser.add_argument("--max-tokens", dest="max_tokens", type=int)
    parser.add_argument("--timeout", type=float, help="seconds to wait for the LLM")
    parser.add_argument("--context-window", dest="context_window", type=int,
                        help="tokens the LLM accepts (default: known model sizes, else 8192)")
    parser.add_argument("--fallback", action="store_true", help="answer extractively when the LLM fails")
