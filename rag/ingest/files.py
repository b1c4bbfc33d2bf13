"""Files on disk: a file's content digest (what names the e5 weights cache, checks an index's files and
records which question set an evaluation ran on) and reading one JSON file with errors that say how to
fix it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from rag.errors import InputError


def file_sha256(path: Path) -> str:
    """The file's sha256 in hex, read in blocks (index files can be gigabytes)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def read_json(path: Path, *, fix_missing: str = "", fix_invalid: str = "") -> Any:
    """The JSON value in `path`. InputError naming the file, and then the fix given, when it does not
    exist or is not JSON."""
    if not path.exists():
        raise InputError(f"{path} does not exist{fix_missing}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg}){fix_invalid}") from exc
