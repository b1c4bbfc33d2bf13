"""How a benchmark hands over its figures: the whole report as JSON on stdout, and in a file when asked."""

from __future__ import annotations

import json
from pathlib import Path


def print_and_save(report: dict, path: Path | None) -> dict:
    """Print `report` as indented JSON (non-ASCII kept readable); also write it to `path` when given."""
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if path:
        Path(path).write_text(text, encoding="utf-8")
    return report
