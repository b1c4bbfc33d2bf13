"""The feedback log: one JSON line per 👍/👎 (question, answer, citations, settings, time).

Turn it into a question set (the eval contract) with the evaluation's converter:

    rag eval-convert feedback ~/.cache/vn-news-rag/feedback.jsonl --out eval/feedback_questions.jsonl
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from rag.ingest.jsonl import read_jsonl

FORMAT_VERSION = 1
MAX_COMMENT_CHARS = 2000


class FeedbackLog:
    """Appends records to a JSONL file; safe to share between request threads (one write per line,
    under a lock, flushed at once so a crash loses at most the record being written). A write that fails
    (full disk, size limit, read-only folder) raises OSError and leaves no half line for the next record."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: dict) -> dict:
        row = {"format": FORMAT_VERSION, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **record}
        if row.get("comment"):
            row["comment"] = str(row["comment"])[:MAX_COMMENT_CHARS]
        line = json.dumps(row, ensure_ascii=False) + "\n"
        data = line.encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab", buffering=0) as handle:  # unbuffered: nothing left to flush on close
                start = handle.seek(0, os.SEEK_END)
                try:
                    rest = memoryview(data)
                    while rest:  # a write cut short by the disk returns less; the next one raises
                        rest = rest[handle.write(rest):]
                except OSError:
                    _cut_back(handle, start)
                    raise
        return row

    def read(self) -> list[dict]:
        return read_log(self.path)


def _cut_back(handle, size: int) -> None:
    """Drop what a failed write left after `size` bytes (best effort: the disk may refuse this too)."""
    try:
        handle.truncate(size)
    except OSError:
        pass


def read_log(path: Path) -> list[dict]:
    """Every record in a feedback log; a damaged line (e.g. cut by a crash) is skipped."""
    if not Path(path).exists():
        return []
    return [row for row in read_jsonl(path, "feedback log", skip_bad=True) if row.get("question")]


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
