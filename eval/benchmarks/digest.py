"""Article digests against LEAD: does "what does this article report?" bring out its key facts?

Articles: the first --articles Party/government VietNews articles of ../shared/data/vietnews (read at run
time, never copied): a title or abstract naming a Party or state body or office (the regex below), and a
body of 250-700 words, after the first --skip such articles. They are indexed together in a temporary folder.
Development and test split by article: the digest code is developed on the first 30 (`--skip 0`, the
default); `--skip 30 --articles 60` are articles it was not developed on, run once with the code frozen.
Questions: "Bài báo “<title>” đưa tin gì?" and "What does the article “<title>” report?".
Facts of an article: the numbers and the names (runs of two or more capitalised words) of its human-written
abstract that also occur in its body and not in its title, compared without diacritics.
Scores: the share of facts met by our answer (default extractive answerer) and by LEAD (the body's first
sentences cut to the same number of words as our answer), in the same run; their ratio; the median
answer length in words and the median time per question.

Usage (from the repository root):
  python -m eval.benchmarks.digest [--articles 30] [--skip 0] [--exclude FILE] [--vietnews PATH] [--index DIR]
                                   [--set NAME=VALUE ...]   # try other SynthesisSettings (development only)
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import rag.answer.synthesis as synthesis
from rag.answer.salience import capitalised_names
from rag.config import Config
from rag.evaluate.metrics import fact_met, strip_markers
from rag.pipeline import build_pipeline
from rag.text.vietnamese import fold, split_sentences

PARTY_OR_STATE = re.compile(r"(đảng|tỉnh ủy|tỉnh uỷ|huyện ủy|huyện uỷ|thành ủy|thành uỷ|UBND|HĐND|bí thư|Quốc hội|"
                            r"Chính phủ|Thủ tướng|chủ tịch)", re.I)
_NUMBER = re.compile(r"(?<![\w/.,-])\d+(?:[.,/]\d+)*%?(?![\w])")


def select_articles(path: Path, n: int, skip: int = 0) -> list[dict]:
    """The Party/government articles of the file in order, from the (skip+1)-th: n of them."""
    chosen, skipped = [], 0
    with gzip.open(path, "rt", encoding="utf-8") as source:
        for line in source:
            row = json.loads(line)
            if PARTY_OR_STATE.search(row["title"] + " " + row["abstract"]) and 250 <= len(row["body"].split()) <= 700:
                if skipped < skip:
                    skipped += 1
                    continue
                chosen.append(row)
                if len(chosen) == n:
                    break
    return chosen


def listed_ids(path: Path) -> set[str]:
    """The record ids of a list such as eval/heldout_used_ids.txt: one a line, "#" lines are comments."""
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def facts_of(row: dict) -> list[str]:
    """Numbers and names of the abstract found in the body and not in the title (folded comparison)."""
    body, title = f" {fold(row['body'])} ", f" {fold(row['title'])} "
    found: list[str] = []
    for candidate in _NUMBER.findall(row["abstract"]) + capitalised_names(row["abstract"]):
        key = fold(candidate).strip()
        if len(key) < 2 and not key.isdigit():
            continue
        pattern = rf"(?<![\w]){re.escape(key)}(?![\w])"
        if re.search(pattern, body) and not re.search(pattern, title) and candidate not in found:
            found.append(candidate)
    return found


def lead(body: str, words: int) -> str:
    sentences = [s for p in body.split("\n") for s in split_sentences(p)]
    return " ".join(" ".join(sentences).split()[:words])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N articles (0: the development "
                        "articles; 30: articles the digest was not developed on)")
    parser.add_argument("--exclude", type=Path, help="leave out the articles whose record id is listed in this file "
                        "(e.g. eval/heldout_used_ids.txt: articles of question sets, spent or reserved); positions "
                        "are still counted over the whole pool, so --skip/--articles name the same range")
    parser.add_argument("--vietnews", type=Path, default=Path("../shared/data/vietnews/vietnews-5000.jsonl.gz"))
    parser.add_argument("--index", type=Path, help="reuse (or build) the index here")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="answer with this SynthesisSettings field changed (a number or text), to compare settings")
    args = parser.parse_args()
    overrides = {}
    for item in args.set:
        name, _, value = item.partition("=")
        if name not in synthesis.SynthesisSettings.__dataclass_fields__ or not value:
            parser.error(f"--set {item}: expected NAME=VALUE with NAME a field of SynthesisSettings")
        kind = type(getattr(synthesis.SynthesisSettings(), name))
        overrides[name] = value if kind is str else kind(float(value))
    if not args.vietnews.exists():
        parser.error(f"{args.vietnews} not found; pass --vietnews PATH to vietnews-5000.jsonl.gz")
    rows = select_articles(args.vietnews, args.articles, args.skip)
    if args.exclude:
        listed = listed_ids(args.exclude)
        rows = [row for row in rows if row["id"] not in listed]
    if not rows:
        parser.error(f"no article left in positions {args.skip + 1}-{args.skip + args.articles}"
                     + (f" once those listed in {args.exclude} are left out" if args.exclude else "")
                     + "; choose another --skip/--articles")
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index or Path(tmp) / "index"
        if not (index / "manifest.json").exists():
            corpus = Path(tmp) / "corpus"
            corpus.mkdir()
            with open(corpus / "articles.jsonl", "w", encoding="utf-8") as out:
                for row in rows:
                    out.write(json.dumps({"id": row["id"], "title": row["title"], "text": row["body"]}, ensure_ascii=False) + "\n")
            subprocess.run([sys.executable, "-m", "rag.cli", "index", "build", "--source", str(corpus),
                            "--index", str(index), "--quiet"], check=True)
        pipeline = build_pipeline(Config(index=index))
        if overrides:
            pipeline.generator.synthesis_settings = replace(synthesis.SynthesisSettings(), **overrides)
        ours, leads, lengths, times, declined, n_questions = [], [], [], [], 0, 0
        for row in rows:
            facts = facts_of(row)
            if not facts:
                continue
            for question in (f"Bài báo “{row['title']}” đưa tin gì?", f"What does the article “{row['title']}” report?"):
                started = time.perf_counter()
                answer = pipeline.answer(question)
                times.append((time.perf_counter() - started) * 1000)
                n_questions += 1
                declined += not answer.answerable
                text = strip_markers(answer.text)
                words = len(text.split())
                baseline = lead(row["body"], words)
                ours.append(sum(fact_met((f,), text) for f in facts) / len(facts))
                leads.append(sum(fact_met((f,), baseline) for f in facts) / len(facts))
                lengths.append(words)
    recall, lead_recall = statistics.mean(ours), statistics.mean(leads)
    print(f"articles {len(rows)} (positions {args.skip + 1}-{args.skip + args.articles}"
          f"{', listed ones left out' if args.exclude else ''}), questions with facts {n_questions} (vi + en), declined {declined}")
    print(f"fact recall: ours {recall:.3f}  LEAD at equal length {lead_recall:.3f}  ratio {recall / lead_recall:.2f}")
    print(f"median answer words {statistics.median(lengths):.0f}; median time per question {statistics.median(times):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
