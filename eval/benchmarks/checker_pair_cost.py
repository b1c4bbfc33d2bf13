"""Time of `SupportChecker.check` per pair, to compare two trees of the checker on the same pairs (run each
with its tree first on PYTHONPATH, alternated, and compare the medians as a ratio). The pairs are a sample of
the benchmark's dev half, written once to a scratch file (vietnews text: never commit it).

    python -m eval.benchmarks.checker_pair_cost --write /tmp/pairs.json          # this tree builds the sample
    PYTHONPATH=/work/main python eval/benchmarks/checker_pair_cost.py --read /tmp/pairs.json
    PYTHONPATH=$PWD       python eval/benchmarks/checker_pair_cost.py --read /tmp/pairs.json
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="build a sample of dev pairs into this file")
    parser.add_argument("--read", type=Path, help="time the checker on the pairs of this file")
    parser.add_argument("--pairs", type=int, default=800)
    args = parser.parse_args(argv)
    if args.write:
        from eval.benchmarks import checker_pairs as bench

        pairs = [p for p in bench.build_pairs(bench.read_articles(bench.DATA)) if p["half"] == "dev"]
        random.Random(0).shuffle(pairs)
        args.write.write_text(json.dumps(pairs[:args.pairs], ensure_ascii=False), encoding="utf-8")
        return {"written": min(args.pairs, len(pairs))}
    from rag.cite.slots import prepare_passage
    from rag.cite.support import SupportChecker

    checker = SupportChecker(None)
    times = []
    for p in json.loads(args.read.read_text(encoding="utf-8")):
        passages = [prepare_passage(x, p["title"]) for x in p.get("passages") or [p["passage"]]]
        start = time.perf_counter()
        checker.check(p["sentence"], passages)
        times.append(time.perf_counter() - start)
    result = {"pairs": len(times), "p50_ms": round(1000 * statistics.median(times), 2),
              "mean_ms": round(1000 * statistics.mean(times), 2)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
