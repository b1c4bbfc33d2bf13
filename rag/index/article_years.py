"""The years each article lets a year constraint through for (`constraints.filter_years`), saved with the
index (`article_years.json`).

Finding every year an article's text mentions takes ~0.5 s of CPU at 5,000 articles, paid by the first
question that names a year, which in this domain is most of them. So `save_index` writes them and
`load_index` reads them; an index saved without the file finds them on first use, as it always did.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from rag.index.constraints import filter_years
from rag.schema import Article

FILE = "article_years.json"


def find(articles: Iterable[Article]) -> dict[str, set[int]]:
    return {a.id: filter_years(a) for a in articles}


def save(years: dict[str, set[int]], path: Path) -> None:
    path.write_text(json.dumps({a: sorted(y) for a, y in years.items()}, separators=(",", ":")), encoding="utf-8")


def load(path: Path, article_ids: Iterable[str]) -> dict[str, set[int]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != set(article_ids):
        raise ValueError("its articles are not the index's")
    return {a: {int(y) for y in years} for a, years in data.items()}
