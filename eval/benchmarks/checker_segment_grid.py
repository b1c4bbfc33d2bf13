"""The grid that chose `min_local_segment_words` and `min_local_segment_coverage` (SupportSettings) on the
development half of the perturbation benchmark (eval/benchmarks/checker_pairs.py): per kind, the share judged
right for each setting. One checking pass per word count: with the coverage threshold above 1, every part's
share is in its reason, so every threshold is scored from the same verdicts.

    python -m eval.benchmarks.checker_segment_grid            # dev half only: the test half is never tuned on
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from eval.benchmarks import checker_pairs as bench

KINDS = ("invented_clause_near", "invented_clause", "original", "digits_words", "abbreviation", "clause_order",
         "spanning", "count_swap", "negation", "contrary_word")
_SHARE = re.compile(r"^the clauses this sentence matches do not say .* \((\d+)% of its words\)$")


def main(argv: list[str] | None = None) -> list[tuple]:
    from rag.cite.slots import prepare_passage
    from rag.cite.support import SupportChecker, SupportSettings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=bench.DATA, help="vietnews-5000.jsonl.gz")
    args = parser.parse_args(argv)
    pairs = [p for p in bench.build_pairs(bench.read_articles(args.data)) if p["half"] == "dev" and p["kind"] in KINDS]
    rows = []
    for words in (2, 3, 4):
        checker = SupportChecker(None, settings=SupportSettings(min_local_segment_coverage=1.01,
                                                                min_local_segment_words=words))
        for p in pairs:
            v = checker.check(p["sentence"], [prepare_passage(x, p["title"]) for x in p["passages"]])
            shares = [int(m.group(1)) / 100 for r in v.reasons if (m := _SHARE.match(r))]
            other = any(not _SHARE.match(r) for r in v.reasons)
            rows.append((words, p["kind"], p["supported"], other, min(shares, default=1.0)))
    out = []
    for words in (2, 3, 4):
        for t in (0.0, 0.3, 0.4, 0.5, 0.6, 0.67, 0.75):
            right, total = Counter(), Counter()
            for w, kind, supported, other, share in rows:
                if w == words:
                    total[kind] += 1
                    right[kind] += (not (other or share < t)) == supported
            accuracy = sum(right.values()) / max(1, sum(total.values()))
            print(f"words {words} coverage {t:.2f} accuracy {accuracy:.4f} "
                  + " ".join(f"{k}={right[k] / total[k]:.3f}" for k in KINDS if total[k]))
            out.append((words, t, accuracy))
    return out


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
