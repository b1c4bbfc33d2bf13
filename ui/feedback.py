"""The feedback log: one JSON line per 👍/👎 (question, answer, citations, settings, time), and its
conversion into a question set (the eval contract) for review.

    python -m ui.feedback export FEEDBACK.jsonl > eval/feedback_questions.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

FORMAT_VERSION = 1
MAX_COMMENT_CHARS = 2000


class FeedbackLog:
    """Appends records to a JSONL file; safe to share between request threads (one write per line,
    under a lock, flushed at once so a crash loses at most the record being written)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: dict) -> dict:
        row = {"format": FORMAT_VERSION, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **record}
        if row.get("comment"):
            row["comment"] = str(row["comment"])[:MAX_COMMENT_CHARS]
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
        return row

    def read(self) -> list[dict]:
        return read_log(self.path)


def read_log(path: Path) -> list[dict]:
    """Every record in a feedback log; a damaged line (e.g. cut by a crash) is skipped."""
    if not Path(path).exists():
        return []
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and row.get("question"):
            rows.append(row)
    return rows


def feedback_record(turn: dict, rating: str, comment: str | None) -> dict:
    """What is logged for one rated answer. `turn` is a chat turn record from ui.handlers."""
    answer = turn.get("answer") or {}
    return {
        "rating": rating,  # "up" or "down"
        "comment": (comment or "").strip() or None,
        "question": turn.get("question"),
        "history": turn.get("history") or [],
        "answer": answer.get("answer"),
        "answerable": answer.get("answerable"),
        "citations": answer.get("citations", []),
        "retrieved": [r.get("article_id") for r in answer.get("retrieved", [])][:10],
        "settings": turn.get("settings", {}),
        "error": turn.get("error"),
    }


def to_question_set(rows: list[dict]) -> list[dict]:
    """Question-set lines (eval contract §4.1) from feedback. A 👍 answer gives its cited articles as
    gold and its answerability; a 👎 one is kept with `needs_review` and the comment, since only a
    person can say what the right answer was. The latest rating of a question wins."""
    latest: dict[tuple[str, tuple[str, ...]], dict] = {}
    for row in rows:
        latest[(row["question"], tuple(row.get("history") or []))] = row
    out = []
    for number, row in enumerate(latest.values(), start=1):
        question = {
            "id": f"fb{number:04d}",
            "question": row["question"],
            "lang": (row.get("settings") or {}).get("question_lang") or _guess_lang(row["question"]),
            "gold_articles": sorted({c["article_id"] for c in row.get("citations", []) if c.get("article_id")}),
            "answer_facts": [],
            "answerable": bool(row.get("answerable")),
        }
        if row.get("history"):
            question["history"] = row["history"]
        if row.get("rating") != "up":
            question.update(gold_articles=[], needs_review=True, comment=row.get("comment"),
                            system_answer=row.get("answer"))
        out.append(question)
    return out


def _guess_lang(text: str) -> str:
    vietnamese = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
    return "vi" if any(ch in vietnamese for ch in text.lower()) else "en"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.feedback", description="Turn a feedback log into a question set.")
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="print question-set JSONL built from a feedback log")
    export.add_argument("log", type=Path)
    args = parser.parse_args(argv)
    if not args.log.exists():
        print(f"error: {args.log} does not exist", file=sys.stderr)
        return 1
    for question in to_question_set(read_log(args.log)):
        print(json.dumps(question, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
