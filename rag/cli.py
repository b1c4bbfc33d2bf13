"""The `rag` command: index build/verify/info, ask (single, batch, JSON), and the entry points of later stages.

Only this module (and the UI) turns library errors into messages for people: `error: ...` on stderr
and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .config import Config, from_env
from .errors import InputError, RagError

# Tests and users run offline: never let a library try the model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def _eprint(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def _config(args: argparse.Namespace) -> Config:
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


# ---------------------------------------------------------------- index


def cmd_index_build(args: argparse.Namespace) -> int:
    from .articles import load_articles
    from .embedding import DEFAULT_EMBEDDER, make_embedder
    from .index import build_index, remove_stale_builds, save_index
    from .locking import index_write_lock

    config = _config(args)
    source = Path(args.source)
    report = load_articles(source)
    for warning in report.warnings:
        _eprint(f"warning: {warning}")
    _eprint(f"read {len(report.articles)} articles from {source}")
    spec = config.embedder or DEFAULT_EMBEDDER
    _eprint(f"loading embedder {spec} ...")
    embedder = make_embedder(spec)
    from .embedding_cache import EmbeddingCache

    cache = None if args.no_cache else EmbeddingCache(config.cache_dir / "embeddings.sqlite")
    try:
        with index_write_lock(config.index, wait_seconds=args.wait):
            for folder in remove_stale_builds(config.index):
                _eprint(f"removed {folder.name}, left by an interrupted build")
            index = build_index(report.articles, embedder, config.index, progress=not args.quiet, cache=cache)
            save_index(index, config.index)
    finally:
        if cache is not None:
            cache.close()
    if cache is not None:
        _eprint(f"embedded {cache.misses} passages, reused {cache.hits} from the cache ({config.cache_dir})")
        if cache.write_error:
            _eprint(f"warning: new embeddings were not cached ({cache.write_error})")
    counts = index.manifest["counts"]
    _eprint(f"indexed {counts['articles']} articles as {counts['chunks']} chunks into {config.index}")
    return 0


def cmd_index_remove(args: argparse.Namespace) -> int:
    from .removal import remove_articles

    config = _config(args)
    index = remove_articles(config.index, args.ids)
    counts = index.manifest["counts"]
    _eprint(f"removed {len(args.ids)} article(s) from {config.index}: {counts['articles']} articles, "
            f"{counts['chunks']} chunks left")
    return 0


def cmd_index_verify(args: argparse.Namespace) -> int:
    from .index import verify_index

    config = _config(args)
    manifest = verify_index(config.index)
    print(f"{config.index}: ok ({manifest['counts']['articles']} articles, {manifest['counts']['chunks']} chunks, "
          f"embedder {manifest['embedder']['spec']})")
    return 0


def cmd_index_info(args: argparse.Namespace) -> int:
    from .index import read_manifest

    print(json.dumps(read_manifest(_config(args).index), ensure_ascii=False, indent=2))
    return 0


# ---------------------------------------------------------------- ask


def format_answer(answer) -> str:
    """The human-readable answer: text, then one line per source with its quoted passage."""
    lines = [answer.text]
    if answer.notice:
        lines.append(f"({answer.notice})")
    if answer.citations:
        lines.append("")
        lines.append("Sources:" if answer.plan and answer.plan.language == "en" else "Nguồn:")
        for c in answer.citations:
            meta = " · ".join(p for p in (c.date, c.place) if p)
            flag = "" if c.supported in (True, None) else "  [not supported by the passage]"
            lines.append(f"[{c.marker}] {c.title}" + (f" — {meta}" if meta else "") + f" ({c.article_id}){flag}")
            lines.append(f"    “{c.quote}”")
    return "\n".join(lines)


def _read_batch(path: Path) -> list[dict]:
    from .jsonl import read_jsonl

    rows = read_jsonl(path, "batch file")
    for number, row in enumerate(rows, start=1):
        if "question" not in row:
            raise InputError(f"{path}: question {number} has no \"question\" field")
    return rows


def cmd_ask(args: argparse.Namespace) -> int:
    from .pipeline import build_pipeline

    if not args.batch and args.question is None:
        raise InputError('give a question, e.g. rag ask "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?", or --batch FILE.jsonl')
    if not args.batch:
        from .query import validate_question

        validate_question(args.question)  # fail fast, before loading models
    pipeline = build_pipeline(_config(args))
    if args.batch:
        failures = 0
        for row in _read_batch(Path(args.batch)):
            try:
                answer = pipeline.answer(str(row["question"]), history=row.get("history"))
                out = answer.to_dict(question_id=row.get("id"))
            except RagError as exc:  # one bad question (or a failing LLM call) must not lose the rest
                failures += 1
                out = {"id": row.get("id"), "question": row.get("question"), "error": str(exc)}
            if args.json:
                print(json.dumps(out, ensure_ascii=False), flush=True)
            else:
                print(f"# {row.get('id', '')} {row['question']}\n{out.get('answer', out.get('error'))}\n", flush=True)
        return 1 if failures else 0
    history = args.history or None
    if args.stream and not args.json:
        answer = None
        for piece in pipeline.stream(args.question, history):
            if isinstance(piece, str):
                print(piece, end="", flush=True)
            else:
                answer = piece
        print()
        if answer is not None and answer.citations:
            print(format_answer(answer).split("\n", 1)[1] if "\n" in format_answer(answer) else "")
        return 0
    answer = pipeline.answer(args.question, history)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(format_answer(answer))
    return 0


# ---------------------------------------------------------------- parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", help="index folder (default index/default, or RAG_INDEX)")
    parser.add_argument("--vector-store", dest="vector_store",
                        help="faiss (default) or milvus:<path.db | http://host:19530> (or RAG_VECTOR_STORE)")


def _add_generation(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm", help="generator: extractive (default), openai:<model>, ollama:<model>, llamacpp:<path.gguf>")
    parser.add_argument("--base-url", dest="base_url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--top-k", dest="top_k", type=int, help="passages retrieved (default 10)")
    parser.add_argument("--retriever", choices=["hybrid", "dense", "bm25"], help="retrieval mode (default hybrid)")
    parser.add_argument("--temperature", type=float)
    parser.add_argument("--max-tokens", dest="max_tokens", type=int)
    parser.add_argument("--timeout", type=float, help="seconds to wait for the LLM")
    parser.add_argument("--context-window", dest="context_window", type=int,
                        help="tokens the LLM accepts (default: known model sizes, else 8192)")
    parser.add_argument("--fallback", action="store_true", help="answer extractively when the LLM fails")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Cited answers over Vietnamese local news, offline.")
    commands = parser.add_subparsers(dest="command", required=True)

    index = commands.add_parser("index", help="build, verify or describe an index")
    index_commands = index.add_subparsers(dest="index_command", required=True)
    build = index_commands.add_parser("build", help="index a folder of .txt/.md/.html/.jsonl articles")
    build.add_argument("--source", default="seeds", help="folder of articles (default seeds)")
    _add_common(build)
    build.add_argument("--embedder", help="e5-small (default) or sentence-transformers:<name or path>")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument("--no-cache", dest="no_cache", action="store_true",
                       help="embed everything again instead of reusing cached embeddings (RAG_CACHE_DIR)")
    build.add_argument("--wait", type=float, default=0.0, help="seconds to wait if another process is writing the index")
    build.set_defaults(func=cmd_index_build)
    remove = index_commands.add_parser("remove", help="remove articles by id (no re-embedding)")
    remove.add_argument("ids", nargs="+", help="article ids (file stems)")
    _add_common(remove)
    remove.set_defaults(func=cmd_index_remove)
    verify = index_commands.add_parser("verify", help="check an index's files against its manifest, no models")
    _add_common(verify)
    verify.set_defaults(func=cmd_index_verify)
    info = index_commands.add_parser("info", help="print an index's manifest")
    _add_common(info)
    info.set_defaults(func=cmd_index_info)

    ask = commands.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--json", action="store_true", help="print the JSON contract instead of text")
    ask.add_argument("--batch", help="a question set (JSONL with id, question, history); one JSON line per question")
    ask.add_argument("--history", action="append", help="an earlier user turn (repeat, oldest first)")
    ask.add_argument("--stream", action="store_true", help="print the answer as it is generated")
    _add_common(ask)
    _add_generation(ask)
    ask.set_defaults(func=cmd_ask)

    for register in _EXTRA_COMMANDS:
        register(commands)
    return parser


def _register_optional(module: str, function: str):
    def register(commands) -> None:
        try:
            mod = __import__(f"rag.{module}", fromlist=[function])
        except ImportError:
            return
        getattr(mod, function)(commands, _add_common, _add_generation, _config)

    return register


# Later stages add their commands here (check, eval, serve, bench) without this module knowing them.
_EXTRA_COMMANDS = [
    _register_optional("check_cli", "register"),
    _register_optional("eval_cli", "register"),
    _register_optional("serve_cli", "register"),
]


def main(argv: list[str] | None = None) -> int:
    import signal

    # Past a file-size limit the kernel kills the process by default; ignored, the write fails with an
    # error we can report (and the previous index stays, since saving is atomic).
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RagError as exc:
        _eprint(f"error: {exc}")
        return 1
    except OSError as exc:  # disk full, size limit, permissions: say what and where, not a traceback
        where = f" ({exc.filename})" if exc.filename else ""
        _eprint(f"error: {exc.strerror or exc}{where}; check free disk space, file-size limits and permissions")
        return 1
    except KeyboardInterrupt:
        _eprint("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
