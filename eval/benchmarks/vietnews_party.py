"""The Party/government articles of VietNews (../shared/data/vietnews, read at run time, never copied).

The data set does not mark its 810 Party/government articles, so they are picked by one rule anyone can re-run:
the title or abstract names a Party or government body, office or procedure (`PARTY_GOVERNMENT` below). This
picks 710 articles. Used by the glossary's frequency list (eval/benchmarks/glossary_terms.py) and the
English-on-VietNews benchmark (eval/benchmarks/english_vietnews.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from rag.ingest.jsonl import read_jsonl
from rag.text.vietnamese import normalize

DEFAULT_PATH = Path("../shared/data/vietnews/vietnews-5000.jsonl.gz")

PARTY_GOVERNMENT = re.compile(
    r"tỉnh ủy|huyện ủy|thành ủy|đảng ủy|đảng viên|kỷ luật|bí thư|ủy ban nhân dân|ubnd|hđnd|hội đồng nhân dân|"
    r"ban thường vụ|bộ chính trị|ủy ban kiểm tra|cán bộ|chủ tịch (?:tỉnh|huyện|xã|ubnd|thành phố)"
)


def is_party_government(record: dict) -> bool:
    return bool(PARTY_GOVERNMENT.search(normalize(f"{record.get('title', '')} {record.get('abstract', '')}").lower()))


def party_articles(path: Path = DEFAULT_PATH) -> list[dict]:
    """The selected records, in file order, as {"id", "title", "text"} (ids with "/" made file-safe)."""
    if not Path(path).exists():
        raise SystemExit(f"{path} does not exist: give --vietnews PATH (the shared VietNews sample)")
    return [{"id": r["id"].replace("/", "_"), "title": r["title"], "text": r["body"]}
            for r in read_jsonl(path, "VietNews") if is_party_government(r)]
