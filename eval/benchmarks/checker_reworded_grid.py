"""Thresholds of the paraphrase rule (rag/cite/reworded.py), chosen on development data only: the `dev`
half of the perturbation benchmark (eval/benchmarks/checker_pairs.py) and the spent human sets (each was run
once as a held-out set; they are development data now, eval/README.md says so).

For every pair the lexical rules fail on wording alone, it records the e5 scores (the sentence against the
clauses it matches; the worst flagged part against its closest clause) and prints, for a grid of thresholds,
how many true sentences each would rescue and, per fabrication kind, how many it would let pass.

    python -m eval.benchmarks.checker_reworded_grid
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from eval.benchmarks.checker_pairs import DATA, FABRICATIONS, build_pairs, read_articles

REPO = Path(__file__).resolve().parents[2]
SPENT = ("checker_pairs_heldout", "checker_pairs_hidden12", "checker_pairs_hidden12b", "checker_pairs_unseen13")
SIMILARITIES = (0.80, 0.82, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.90)
PARTS = (0.0, 0.78, 0.80, 0.82, 0.84, 0.86)
COVERAGES = (0.0, 0.5, 0.6)


def spent_pairs() -> list[dict]:
    from rag.ingest.articles import load_articles
    from rag.ingest.jsonl import read_jsonl

    titles = {a.id: a.title for a in load_articles(REPO / "seeds").articles}
    out = []
    for name in SPENT:
        for p in read_jsonl(REPO / "eval" / f"{name}.jsonl"):
            out.append({**p, "passages": [p["passage"]], "title": titles.get(p["article_id"], ""),
                        "kind": "human_" + ("supported" if p["supported"] else "fabricated")})
    return out


def scores_of(pairs: list[dict]) -> list[tuple[dict, float, float, float]]:
    """(pair, whole similarity, worst part similarity, coverage) of the pairs failed on wording alone."""
    from dataclasses import replace

    from rag.cite.slots import prepare_passage
    from rag.cite.support import SupportChecker, SupportSettings
    from rag.embed.registry import DEFAULT_EMBEDDER, make_embedder

    # a threshold no similarity reaches: the rule runs and records its scores, but rescues nothing
    settings = replace(SupportSettings(), min_reworded_similarity=2.0)
    checker = SupportChecker(make_embedder(DEFAULT_EMBEDDER), settings=settings, verifier=None)  # the rules alone
    out = []
    for pair in pairs:
        checker.last_reworded = None
        v = checker.check(pair["sentence"], [prepare_passage(p, pair["title"]) for p in pair["passages"]])
        if checker.last_reworded is not None and not v.supported:
            out.append((pair, *checker.last_reworded, v.coverage))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", action="store_true", help="print every scored pair")
    parser.add_argument("--every", type=int, default=1, help="every n-th dev pair (a quicker look)")
    args = parser.parse_args(argv)
    pairs = [p for p in build_pairs(read_articles(args.data)) if p["half"] == "dev"][::args.every] + spent_pairs()
    totals = Counter(p["kind"] for p in pairs)
    scored = scores_of(pairs)
    if args.show:
        for pair, whole, part, cov in sorted(scored, key=lambda t: (t[0]["kind"], -t[1])):
            print(f"{pair['kind']:<22} {whole:.3f} {part:.3f} {cov:.2f}  {pair['sentence'][:120]}")
    print(f"{len(pairs)} dev pairs; {len(scored)} failed on wording alone: {dict(Counter(p['kind'] for p, *_ in scored))}")
    fabricated = [k for k in totals if k in FABRICATIONS or k == "human_fabricated"]
    for cov in COVERAGES:
        for sim in SIMILARITIES:
            for part in PARTS:
                passed = Counter(p["kind"] for p, w, q, c in scored if w >= sim and q >= part and c >= cov)
                rescued = sum(n for k, n in passed.items() if k not in fabricated)
                worst = max(((passed[k] + 0.0) / totals[k], k) for k in fabricated if k != "human_fabricated")
                print(f"coverage>={cov:.2f} sim>={sim:.2f} part>={part:.2f}: true rescued {rescued} "
                      f"(human {passed['human_supported']}), fabrications passed {sum(passed[k] for k in fabricated)} "
                      f"(human {passed['human_fabricated']}; worst kind {worst[1]} +{worst[0]:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
