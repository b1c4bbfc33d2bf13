"""`rag ask`: one question (text, JSON or streamed) or a batch of questions, answered with citations."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.cli.common import add_common, add_generation, config_from_args
from rag.errors import InputError, RagError
from rag.schema import source_line


def format_answer(answer) -> str:
    """The human-readable answer: text, then one line per source with its quoted passage."""
    lines = [answer.text]
    if answer.notice:
        lines.append(f"({answer.notice})")
    if answer.citations:
        lines.append("")
        lines.append("Sources:" if answer.plan and answer.plan.language == "en" else "Nguồn:")
        for c in answer.citations:
            meta = source_line(c.date, c.place)
            flag = "" if c.supported in (True, None) else "  [not supported by the passage]"
            lines.append(f"[{c.marker}] {c.title}" + (f" — {meta}" if meta else "") + f" ({c.article_id}){flag}")
            lines.append(f"    “{c.quote}”")
    return "\n".join(lines)


def _read_batch(path: Path) -> list[dict]:
    from rag.ingest.jsonl import read_jsonl

    rows = read_jsonl(path, "batch file")
    for number, row in enumerate(rows, start=1):
        if "question" not in row:
            raise InputError(f"{path}: question {number} has no \"question\" field")
    return rows


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.pipeline import build_pipeline

    if not args.batch and args.question is None:
        raise InputError('give a question, e.g. rag ask "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?", or --batch FILE.jsonl')
    if not args.batch:
        from rag.retrieve.planning import validate_question

        validate_question(args.question)  # fail fast, before loading models
    pipeline = build_pipeline(config_from_args(args))
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


def register(commands) -> None:
    """Add `rag ask` to the CLI's subcommands."""
    ask = commands.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--json", action="store_true", help="print the JSON contract instead of text")
    ask.add_argument("--batch", help="a question set (JSONL with id, question, history); one JSON line per question")
    ask.add_argument("--history", action="append", help="an earlier user turn (repeat, oldest first)")
    ask.add_argument("--stream", action="store_true", help="print the answer as it is generated")
    add_common(ask)
    add_generation(ask)
    ask.set_defaults(func=cmd_ask)
