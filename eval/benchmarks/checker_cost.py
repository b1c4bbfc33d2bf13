"""What the citation checker adds to one answer: the seeds question set answered by the same pipeline with
and without its checker, in the same run, over several rounds; medians per answer.

The seed articles are indexed into a temporary folder with the real e5 model (nothing is written elsewhere).

    python -m eval.benchmarks.checker_cost --rounds 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=REPO / "eval" / "seeds.jsonl")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    from rag.config import Config
    from rag.embed.registry import make_embedder
    from rag.index.store import build_index, save_index
    from rag.ingest.articles import load_articles
    from rag.pipeline import build_pipeline

    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    embedder = make_embedder()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "seeds"
        save_index(build_index(load_articles(REPO / "seeds").articles, embedder, path), path)
        config = Config(index=path, cache_dir=Path(tmp) / "cache")
        with_checker = build_pipeline(config, embedder)
        # the baseline passes citations through unchecked: everything else is the same pipeline
        without = replace(with_checker, checker=lambda text, citations, hits: tuple(citations))
        for q in questions[:3]:  # warm caches (model, tokenizer, lru caches) before timing
            with_checker.answer(q), without.answer(q)
        check_ms, total_with, total_without = [], [], []
        for _ in range(args.rounds):
            for q in questions:
                # alternate the order so neither side always runs on a warmer cache
                start = time.perf_counter()
                without.answer(q)
                total_without.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                answer = with_checker.answer(q)
                total_with.append((time.perf_counter() - start) * 1000)
                check_ms.append(answer.timings_ms.get("check", 0.0))
    result = {
        "questions": len(questions), "rounds": args.rounds,
        "check_ms_p50": statistics.median(check_ms),
        "check_ms_p95": sorted(check_ms)[int(0.95 * (len(check_ms) - 1))],
        "answer_ms_p50_with_checker": statistics.median(total_with),
        "answer_ms_p50_without_checker": statistics.median(total_without),
    }
    result["added_ms_p50"] = result["answer_ms_p50_with_checker"] - result["answer_ms_p50_without_checker"]
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}, indent=1))
    return result


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
