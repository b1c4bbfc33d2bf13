"""hit@1 of `rag eval` runs on XQuAD, split by Wikipedia article into the half we looked at while
choosing retrieval settings (even-numbered titles in sorted order) and the half we did not (odd).

Usage: python -m eval.benchmarks.xquad_halves eval/runs/<run> [eval/runs/<run> ...]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from rag.ingest.jsonl import read_jsonl


def title(article_id: str) -> str:
    return re.sub(r"_\d+$", "", article_id)


def halves(run: Path) -> dict[str, tuple[int, int]]:
    records = read_jsonl(run / "records.jsonl", "run records")
    titles = sorted({title(g) for r in records for g in r["expected"].get("gold_articles") or []})
    looked_at = set(titles[0::2])
    counts = {"looked at": [0, 0], "not looked at": [0, 0]}
    for record in records:
        gold = record["expected"].get("gold_articles") or []
        if not gold:
            continue
        half = "looked at" if title(gold[0]) in looked_at else "not looked at"
        retrieved = record.get("retrieved_articles") or []
        counts[half][0] += bool(retrieved) and retrieved[0] in gold
        counts[half][1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path)
    args = parser.parse_args()
    print("| run | hit@1, half looked at | hit@1, half not looked at |\n|---|---|---|")
    for run in args.runs:
        h = halves(run)
        cells = [f"{a / n:.3f} ({a}/{n})" if n else "—" for a, n in (h["looked at"], h["not looked at"])]
        print(f"| {run.name} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
