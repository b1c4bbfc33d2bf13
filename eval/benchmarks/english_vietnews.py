"""English questions over Vietnamese articles we did not write the glossary from: hit@1, MRR and facts,
with and without the EN→VI glossary, in the same run.

The index is built at run time over VietNews's Party/government articles (eval/benchmarks/vietnews_party.py;
../shared/data/vietnews, never copied into the project) in a temporary folder: the questions' gold articles
plus the others in file order, --articles in all (default 200, about 6 minutes of embedding on an idle 2-core
machine; 0 for all 710). The questions are
eval/vietnews_en.jsonl (44 English questions, one gold article each, written from reading the articles before
any measurement). "without" runs the same pipeline with the glossary emptied (every module that reads it sees
no entries), so the difference is what the glossary buys on an unseen corpus.

Usage: python -m eval.benchmarks.english_vietnews [--vietnews PATH] [--questions eval/vietnews_en.jsonl]
       [--articles 200] [--index DIR (reuse an index built by this script)] [--show-misses]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from eval.benchmarks.vietnews_party import DEFAULT_PATH, party_articles
from rag.ingest.jsonl import write_jsonl

ROOT = Path(__file__).resolve().parents[2]
SHOWN = ("hit@1", "hit@5", "mrr@10", "answer_facts", "answerable_declined")


def corpus(articles: list[dict], questions: Path, size: int) -> list[dict]:
    """The gold articles of the questions, then the other articles in file order, `size` in all (0: all)."""
    from rag.ingest.jsonl import read_jsonl

    gold = {g for row in read_jsonl(questions, "question set") for g in row.get("gold_articles") or []}
    missing = gold - {a["id"] for a in articles}
    if missing:
        raise SystemExit(f"gold articles not among the Party/government articles: {sorted(missing)}")
    others = [a for a in articles if a["id"] not in gold]
    keep = len(others) if size <= 0 else max(0, size - len(gold))
    return [a for a in articles if a["id"] in gold] + others[:keep]


def build_index(articles: list[dict], index: Path) -> None:
    source = index.parent / "articles"
    write_jsonl(source / "party_government.jsonl", articles)
    subprocess.run([sys.executable, "-m", "rag.cli", "index", "build", "--source", str(source), "--index", str(index),
                    "--quiet"], check=True, cwd=ROOT)


@contextmanager
def glossary_emptied():
    """Every reader of the glossary sees no entries (they call crosslingual.glossary or hold the name)."""
    import rag.cite.text
    import rag.text.accents
    import rag.text.crosslingual

    holders = [m for m in (rag.text.crosslingual, rag.cite.text, rag.text.accents) if hasattr(m, "glossary")]
    saved = [m.glossary for m in holders]
    for m in holders:
        m.glossary = lambda: {}
    rag.cite.text.english_vocabulary.cache_clear()  # built from the glossary once
    try:
        yield
    finally:
        for m, original in zip(holders, saved):
            m.glossary = original
        rag.cite.text.english_vocabulary.cache_clear()


def run(index: Path, questions_path: Path):
    from rag.cli.evaluate import answer_rows
    from rag.config import from_env
    from rag.evaluate.metrics import evaluate
    from rag.evaluate.sets import load_questions
    from rag.pipeline import build_pipeline

    questions = load_questions(questions_path)
    pipeline = build_pipeline(from_env().with_overrides(index=index))
    return evaluate(questions, list(answer_rows(pipeline, questions)), resamples=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vietnews", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "vietnews_en.jsonl")
    parser.add_argument("--articles", type=int, default=200, help="articles to index, gold ones first (0: all)")
    parser.add_argument("--index", type=Path, help="a built index of the same articles (default: build one)")
    parser.add_argument("--show-misses", action="store_true", help="list the questions each run gets wrong")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="english-vietnews-") as tmp:
        index = args.index
        if index is None:
            articles = corpus(party_articles(args.vietnews), args.questions, args.articles)
            index = Path(tmp) / "index"
            print(f"building an index of {len(articles)} Party/government articles ...", file=sys.stderr)
            build_index(articles, index)
        with_glossary = run(index, args.questions)
        with glossary_emptied():
            without = run(index, args.questions)
    n = len(with_glossary.questions)
    print(f"| {n} English questions, VietNews Party/government | " + " | ".join(SHOWN) + " |")
    print("|---|" + "---|" * len(SHOWN))
    for label, ev in (("with glossary", with_glossary), ("without glossary", without)):
        print(f"| {label} | " + " | ".join(f"{ev.metrics[m]:.3f}" for m in SHOWN) + " |")
    if args.show_misses:
        for label, ev in (("with", with_glossary), ("without", without)):
            misses = [q.id for q, s in zip(ev.questions, ev.per_question) if s["hit@1"][0] < 1]
            print(f"hit@1 misses {label} glossary: {' '.join(misses)}")


if __name__ == "__main__":
    main()
