"""Reading and writing JSONL (articles, question sets, batch files, index files, logs): the one place that
splits a JSONL text into lines.

A JSONL record ends at "\\n" and nowhere else. `str.splitlines()` also breaks at U+2028 and U+2029 (legal,
unescaped, inside JSON strings and common in scraped news), U+0085, form feeds and other separators, which cut
one record in two: the record is lost and the line numbers after it are wrong. So lines are split on "\\n"
only (a "\\r" before it is dropped), and line numbers count "\\n"s, as an editor does.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Iterable, Iterator

from rag.errors import InputError


def jsonl_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number from 1, line) for every non-blank line of a JSONL text, split on "\\n" only."""
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if line.strip():
            yield number, line


def jsonl_values(text: str) -> Iterator[tuple[int, object, str | None]]:
    """(line number, value, None) for each record, or (line number, None, why) for a line that is not JSON.
    Raw control characters inside strings (a form feed pasted into a title) are accepted, not dropped."""
    for number, line in jsonl_lines(text):
        try:
            yield number, json.loads(line, strict=False), None
        except json.JSONDecodeError as exc:
            yield number, None, f"not valid JSON ({exc.msg})"


def read_jsonl_text(path: Path) -> str:
    """The UTF-8 text of a .jsonl or .jsonl.gz file (a BOM is dropped)."""
    path = Path(path)
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return raw.decode("utf-8-sig")


def read_jsonl(path: Path, what: str = "file", *, skip_bad: bool = False,
               warnings: list[str] | None = None, at_once: bool = False) -> list[dict]:
    """Objects of a JSONL file, blank lines skipped. A line that is not a JSON object raises an InputError
    naming it, or with `skip_bad` is left out (and named in `warnings` when given). `at_once` (for files this
    program wrote, such as an index's) parses every line in one call first (`_all_objects`)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{what} {path} does not exist")
    return jsonl_objects(read_jsonl_text(path), path, skip_bad=skip_bad, warnings=warnings, at_once=at_once)


def jsonl_objects(text: str, path: Path, *, skip_bad: bool = False, warnings: list[str] | None = None,
                  at_once: bool = False) -> list[dict]:
    """The objects of a JSONL text read from `path` (named in errors), as `read_jsonl` says."""
    path = Path(path)
    rows = _all_objects(text) if at_once else None
    if rows is not None:
        return rows
    rows = []
    for number, value, problem in jsonl_values(text):
        if problem is None and not isinstance(value, dict):
            problem = "each line must be a JSON object"
        if problem is None:
            rows.append(value)
        elif not skip_bad:
            raise InputError(f"{path}:{number}: {problem}")
        elif warnings is not None:
            warnings.append(f"skipped {path.name}:{number}: {problem}")
    return rows


def _all_objects(text: str) -> list[dict] | None:
    """Every line's object when each non-blank line is one JSON object, parsed in one call (an index's
    90k-line units.jsonl: 3x faster than line by line); None otherwise, and the caller reads line by line
    to name the bad line. Each line is wrapped in its own brackets and parsed strictly with the newlines
    kept (our writer escapes control characters), so a string cut across two lines fails and is read line
    by line. A file crafted to balance brackets across lines could still parse differently: only for files
    this program wrote and checked (an index's, sized by its manifest)."""
    lines = [line for _, line in jsonl_lines(text)]
    try:
        values = json.loads("[[" + "],\n[".join(lines) + "]]") if lines else []
    except json.JSONDecodeError:
        return None
    if len(values) != len(lines) or not all(len(v) == 1 and isinstance(v[0], dict) for v in values):
        return None  # a line held two values ("{...}, {...}") or something other than an object
    return [v[0] for v in values]


def write_jsonl(path: Path, rows: Iterable[dict]) -> int:
    """Write one JSON object a line (UTF-8, not ASCII-escaped); returns how many. Creates the folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
