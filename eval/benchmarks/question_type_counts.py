"""How the planner types the questions of committed question sets: counts per type, and the questions typed other
than factoid, so a change to rag/retrieve/question_types.py can be checked against sets whose questions are all
one fact (XQuAD: a question typed "plan" or "list" there would leave the factoid path).

Usage (from the repository root; compare the output of two checkouts with diff):
  python -m eval.benchmarks.question_type_counts [eval/xquad/en.jsonl eval/xquad/vi.jsonl ...] [--list]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from rag.retrieve.planning import answer_type, validate_question
from rag.retrieve.question_types import outside_quotes, question_type


def typed(question: str) -> str:
    asked = outside_quotes(validate_question(question))
    return question_type(asked, answer_type(asked))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=[Path("eval/xquad/en.jsonl"), Path("eval/xquad/vi.jsonl")])
    parser.add_argument("--list", action="store_true", help="print every question not typed factoid")
    args = parser.parse_args()
    for path in args.sets:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        kinds = [(row["id"], typed(row["question"])) for row in rows]
        print(f"{path}: {len(rows)} questions, " + ", ".join(f"{k} {n}" for k, n in sorted(Counter(k for _, k in kinds).items())))
        if args.list:
            for question_id, kind in kinds:
                if kind != "factoid":
                    print(f"  {question_id}\t{kind}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
