"""Issues 12f/12h: the header's words as the wording checks read them, the old rule (every word of the title) against
the current one (rag/cite/context.py), on every Nth pair (default 3) of a half of the perturbation benchmark, text +
title.
The lexical verdict keys (supported, reasons, coverage) are compared under each rule and e5 is run only on the pairs
whose keys differ (exact: the paraphrase rule reads nothing else); prints the gain per kind and the changed pairs.

    python -m eval.benchmarks.checker_context_rules dev [EVERY]
"""

from __future__ import annotations

import collections
import sys

import rag.cite.context as context
from eval.benchmarks import checker_pairs as bench
from rag.cite.slots import prepare_passage
from rag.cite.support import SupportChecker
from rag.cite.text import match_form


def _rule_12f(header: str) -> str:
    """Issue 12f's rule (B2): the new one without the bodies written before the title's places."""
    return NEW(header, bodies=False)


NEW = context.context_form
RULES = {"old": match_form, "12f": _rule_12f, "new": NEW}


def _run(checker, rule, pairs):
    context.context_form = RULES[rule]
    try:
        return [checker.check(p["sentence"], [prepare_passage(x, p["title"]) for x in p.get("passages") or [p["passage"]]])
                for p in pairs]
    finally:
        context.context_form = RULES["new"]


def main(half: str = "dev", every: str = "3") -> None:
    pairs = [p for p in bench.build_pairs(bench.read_articles(bench.DATA)) if p["half"] == half][::int(every)]
    lexical = {r: [(v.supported, v.reasons, round(v.coverage, 6)) for v in _run(SupportChecker(None), r, pairs)]
               for r in RULES}
    changed = [p for i, p in enumerate(pairs) if len({lexical[r][i] for r in RULES}) > 1]
    print(f"{half}: {len(pairs)} pairs, {len(changed)} with other lexical keys", flush=True)
    from rag.embed.registry import DEFAULT_EMBEDDER, make_embedder

    checker = SupportChecker(make_embedder(DEFAULT_EMBEDDER))
    verdicts = {r: [v.supported for v in _run(checker, r, changed)] for r in RULES}
    for rule in ("12f", "new"):
        gain = collections.Counter()
        for p, old, new in zip(changed, verdicts["old"], verdicts[rule]):
            gain[p["kind"]] += (new == p["supported"]) - (old == p["supported"])
            if old != new:
                print(f"  {rule}: {p['kind']} (supported={p['supported']}): old {old}, {rule} {new} | {p['sentence'][:120]}")
        print(f"right, {rule} minus old, by kind:", {k: d for k, d in gain.items() if d}, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
