"""Issue 12f: the header's words as the wording checks read them, the old rule (every word of the title) against
the current one (rag/cite/context.py), on every third pair of a half of the perturbation benchmark, text + title.
The lexical verdict keys (supported, reasons, coverage) are compared under each rule and e5 is run only on the pairs
whose keys differ (exact: the paraphrase rule reads nothing else); prints the gain per kind and the changed pairs.

    python -m eval.benchmarks.checker_context_rules dev
"""

from __future__ import annotations

import collections
import sys

import rag.cite.support as support
from eval.benchmarks import checker_pairs as bench
from rag.cite.slots import prepare_passage
from rag.cite.support import SupportChecker
from rag.cite.text import match_form

RULES = {"old": match_form, "new": support.context_form}


def _run(checker, rule, pairs):
    support.context_form = RULES[rule]
    try:
        return [checker.check(p["sentence"], [prepare_passage(x, p["title"]) for x in p.get("passages") or [p["passage"]]])
                for p in pairs]
    finally:
        support.context_form = RULES["new"]


def main(half: str = "dev") -> None:
    pairs = [p for p in bench.build_pairs(bench.read_articles(bench.DATA)) if p["half"] == half][::3]
    lexical = {r: [(v.supported, v.reasons, round(v.coverage, 6)) for v in _run(SupportChecker(None), r, pairs)]
               for r in RULES}
    changed = [p for i, p in enumerate(pairs) if lexical["old"][i] != lexical["new"][i]]
    print(f"{half}: {len(pairs)} pairs, {len(changed)} with other lexical keys", flush=True)
    from rag.embed.registry import DEFAULT_EMBEDDER, make_embedder

    checker = SupportChecker(make_embedder(DEFAULT_EMBEDDER))
    verdicts = {r: [v.supported for v in _run(checker, r, changed)] for r in RULES}
    gain = collections.Counter()
    for p, old, new in zip(changed, verdicts["old"], verdicts["new"]):
        gain[p["kind"]] += (new == p["supported"]) - (old == p["supported"])
        if old != new:
            print(f"  {p['kind']} (supported={p['supported']}): old {old}, new {new} | {p['sentence'][:120]}")
    print("right, new minus old, by kind:", {k: d for k, d in gain.items() if d})


if __name__ == "__main__":
    main(*sys.argv[1:2])
