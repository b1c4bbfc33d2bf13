"""The checker on labelled pairs in every source form of `rag check` (ARCHITECTURE §4.4): the passage with
its article's title/date/place, the bare passage, the article id, and the id of the chunk holding the
passage. Runs through the CLI's own source resolution against a temporary index of the seeds (real e5).

    python -m eval.benchmarks.checker_forms eval/checker_pairs_hidden12.jsonl

eval/checker_pairs_hidden12.jsonl was written after the rules were frozen and run once (eval/BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FORMS = ("context", "bare", "article_id", "chunk_id")


def _chunk_of(index, article_id: str, passage: str) -> str:
    """The chunk of the article that shares most words with the passage."""
    words = set(passage.lower().split())
    chunks = [c for c in index.chunks if c.article_id == article_id]
    return max(chunks, key=lambda c: len(words & set(c.text.lower().split()))).id


def _marker(pair: dict) -> int:
    """The marker the sentence cites ("... [2]."): the source is given under it, as an answer's would be."""
    found = re.findall(r"\[(\d+)\]", pair["sentence"])
    return int(found[0]) if found else 1


def source(form: str, pair: dict, index) -> dict:
    article = index.articles[pair["article_id"]]
    marker = _marker(pair)
    if form == "context":
        return {"marker": marker, "text": pair["passage"], "title": article.title, "date": article.date or "",
                "place": article.place.label()}
    if form == "bare":
        return {"marker": marker, "text": pair["passage"]}
    if form == "article_id":
        return {"marker": marker, "article_id": pair["article_id"]}
    return {"marker": marker, "chunk_id": _chunk_of(index, pair["article_id"], pair["passage"])}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", type=Path)
    parser.add_argument("--show", action="store_true", help="print every misjudged pair")
    args = parser.parse_args(argv)

    from rag.cite.support import SupportChecker
    from rag.cli.check import _check_row, _SourceResolver, index_places
    from rag.embed.registry import make_embedder
    from rag.index.store import build_index, load_index, save_index
    from rag.ingest.articles import load_articles
    from rag.ingest.jsonl import read_jsonl

    pairs = read_jsonl(args.pairs)
    embedder = make_embedder()
    results: dict[str, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "seeds"
        save_index(build_index(load_articles(REPO / "seeds").articles, embedder, path), path)
        index = load_index(path)
        checker = SupportChecker(embedder, places=index_places(path))  # as `rag check` reads with an index
        resolver = _SourceResolver(path)
        for form in FORMS:
            right, wrong = 0, Counter()
            for pair in pairs:
                row = {"id": pair["id"], "answer": pair["sentence"], "sources": [source(form, pair, index)]}
                out = _check_row(row, pair["id"], resolver, checker)
                verdict = out["sentences"][0]["supported"]
                if verdict == pair["supported"]:
                    right += 1
                else:
                    wrong[pair["kind"]] += 1
                    if args.show:
                        print(f"  {form} WRONG {pair['id']} ({pair['kind']}): {out['sentences'][0].get('reasons')}")
            results[form] = (right, len(pairs))
            print(f"{form:<11} {right}/{len(pairs)} = {right / len(pairs):.3f}" + (f"  misses: {dict(wrong)}" if wrong else ""))
    return results


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
