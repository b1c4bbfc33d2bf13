"""Grid for min_local_segment_coverage x min_local_segment_words on the dev half (one pass: threshold 1.01 records every share)."""
import re, sys
from collections import Counter, defaultdict
from eval.benchmarks import checker_pairs as bench
from rag.cite.slots import prepare_passage
from rag.cite.support import SupportChecker, SupportSettings
kinds = ("invented_clause_near", "invented_clause", "original", "digits_words", "abbreviation", "clause_order", "spanning", "count_swap", "negation", "contrary_word")
pairs = [p for p in bench.build_pairs(bench.read_articles(bench.DATA)) if p["half"] == "dev" and p["kind"] in kinds]
rows = []
for words in (2, 3, 4):
    checker = SupportChecker(None, settings=SupportSettings(min_local_segment_coverage=1.01, min_local_segment_words=words))
    for p in pairs:
        v = checker.check(p["sentence"], [prepare_passage(x, p["title"]) for x in p["passages"]])
        local = [float(m) / 100 for r in v.reasons for m in re.findall(r"the clauses this sentence matches do not say .* \((\d+)% of its words\)$", r)]
        base = [r for r in v.reasons if not r.startswith("the clauses this sentence matches")]
        rows.append((words, p["kind"], p["supported"], bool(base), min(local, default=1.0)))
    print("done", words, file=sys.stderr)
for words in (2, 3, 4):
    for t in (0.0, 0.3, 0.4, 0.5, 0.6, 0.67, 0.75):
        right, total = Counter(), Counter()
        for w, kind, sup, base, share in rows:
            if w != words: continue
            unsupported = base or share < t
            total[kind] += 1; right[kind] += (not unsupported) == sup
        print(words, t, " ".join(f"{k}={right[k]/total[k]:.3f}" for k in kinds), "acc", round(sum(right.values())/sum(total.values()), 4))
