"""Reading JSONL inputs (question sets, batch files, answers to check) with errors that name the line."""

from __future__ import annotations

import json
from pathlib import Path

from rag.errors import InputError


def read_jsonl(path: Path, what: str = "file") -> list[dict]:
    """Objects of a JSONL file, blank lines skipped; InputError naming the line that is not a JSON object."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{what} {path} does not exist")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise InputError(f"{path}:{number}: each line must be a JSON object")
        rows.append(row)
    return rows
