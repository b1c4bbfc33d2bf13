"""Run the synthesis question sets (eval/synthesis.jsonl, eval/synthesis_heldout.jsonl,
eval/synthesis_heldout3.jsonl) end to end.

The sets name VietNews articles by id only; this script reads those articles at run time from
../shared/data/vietnews (never copied into the repository), puts them beside the five seeds in a
temporary folder, builds one index over both, and runs `rag eval` on the set with the default
(extractive) answerer. The index holds the articles of both sets, so a collection question ("how many
articles about Sơn La?") sees the same corpus whichever set is run.

Usage (from the repository root):
  python -m eval.benchmarks.synthesis_set [eval/synthesis.jsonl] [--vietnews PATH] [--index DIR] [--label NAME]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SETS = (Path("eval/synthesis.jsonl"), Path("eval/synthesis_heldout.jsonl"), Path("eval/synthesis_heldout3.jsonl"),
        Path("eval/synthesis_heldout4.jsonl"), Path("eval/synthesis_heldout5.jsonl"), Path("eval/synthesis_heldout6.jsonl"),
        Path("eval/synthesis_heldout7.jsonl"), Path("eval/synthesis_heldout8.jsonl"))
VIETNEWS = Path("../shared/data/vietnews/vietnews-5000.jsonl.gz")


def named_articles(paths: tuple[Path, ...]) -> set[str]:
    ids: set[str] = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                ids.update(a for a in json.loads(line).get("gold_articles", []) if a.startswith("vietnews/"))
    return ids


def write_corpus(folder: Path, vietnews: Path, ids: set[str]) -> int:
    """The seeds plus the named VietNews articles (as one JSONL file) in `folder`; returns the article count."""
    for seed in Path("seeds").glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    found = 0
    with gzip.open(vietnews, "rt", encoding="utf-8") as source, open(folder / "vietnews.jsonl", "w", encoding="utf-8") as out:
        for line in source:
            row = json.loads(line)
            if row["id"] in ids:
                out.write(json.dumps({"id": row["id"], "title": row["title"], "text": row["body"]}, ensure_ascii=False) + "\n")
                found += 1
    missing = len(ids) - found
    if missing:
        raise SystemExit(f"{missing} article ids of the sets are not in {vietnews}; is it the vietnews-5000 file?")
    return found + len(list(Path("seeds").glob("*.txt")))


def build_index(vietnews: Path, index: Path, questions: Path | None = None) -> None:
    """Index the seeds and every set's articles, plus those of `questions` (a new set not yet listed in SETS)."""
    with tempfile.TemporaryDirectory() as tmp:
        sets = SETS + ((questions,) if questions and questions not in SETS else ())
        n = write_corpus(Path(tmp), vietnews, named_articles(sets))
        print(f"building an index of {n} articles at {index}", flush=True)
        subprocess.run([sys.executable, "-m", "rag.cli", "index", "build", "--source", tmp, "--index", str(index),
                        "--quiet"], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", type=Path, default=SETS[0])
    parser.add_argument("--vietnews", type=Path, default=VIETNEWS)
    parser.add_argument("--index", type=Path, help="reuse (or build) the index here instead of a temporary folder")
    parser.add_argument("--label", default=None)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args()
    if not args.vietnews.exists():
        parser.error(f"{args.vietnews} not found; pass --vietnews PATH to vietnews-5000.jsonl.gz")
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index or Path(tmp) / "index"
        if not (index / "manifest.json").exists():
            build_index(args.vietnews, index, args.questions)
        command = [sys.executable, "-m", "rag.cli", "eval", str(args.questions), "--index", str(index),
                   "--label", args.label or args.questions.stem]
        return subprocess.run(command + (["--json"] if args.json else [])).returncode


if __name__ == "__main__":
    raise SystemExit(main())
