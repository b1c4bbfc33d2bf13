"""The citation checker on pairs built by perturbing real sentences, not written by hand.

Sentences of the Party/government articles of vietnews (read at run time; never stored in the repository)
become labelled (sentence, passage) pairs: the sentence as printed and equivalent rewrites (digits <-> words,
abbreviations, clause order, two neighbouring sentences joined into one and cited as the two passages that
hold them: `spanning`) are supported; one fabrication of each kind (count swap, role swap, quantifier,
ordinal/term, negation, wrong place, wrong year, wrong person, invented clause; and, issue 12c, a count moved
to another thing of its sentence, a total given to one level, a contrary word, a deputy's unnamed office given
to the head, a clause of the same article appended) is not. The passage is the sentence with its neighbours,
the context the article's title.

Articles are split in two halves by a hash of their id: every rule and threshold of the checker is chosen on
the `dev` half; the `test` half is only reported.

    python -m eval.benchmarks.checker_pairs                       # test half, per kind, both source forms
    python -m eval.benchmarks.checker_pairs --half dev --errors 20 # the half to look at while tuning
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

from eval.benchmarks import checker_perturb as P
from eval.benchmarks import checker_perturb_more as M
from eval.benchmarks import checker_perturb_paraphrase as R
from rag.cite.facts import find_names
from rag.text.places import admin_names_in
from rag.text.vietnamese import fold, split_sentences

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "vietnews" / "vietnews-5000.jsonl.gz"
# An article is Party/government news when its title or abstract names a Party or state body or office.
_TOPIC = ("dang uy", "tinh uy", "huyen uy", "thanh uy", "bi thu", "ubnd", "hdnd", "uy ban nhan dan",
          "hoi dong nhan dan", "dang vien", "chu tich", "mat tran to quoc", "quoc hoi", "chinh phu",
          "ban thuong vu", "ky luat")
# issue 12d added the last two: what a person summarising writes (other words, less said)
REWRITES = ("digits_words", "abbreviation", "clause_order", "spanning", "synonym", "summary")
# issue 12c added the last six: what a fact is attached to, rather than whether it is there
FABRICATIONS = ("count_swap", "role_swap", "quantifier", "ordinal_term", "negation", "wrong_place", "wrong_year",
                "wrong_person", "invented_clause", "number_moved", "total_vs_part", "contrary_word",
                "role_without_person", "invented_clause_near")
KINDS = ("original",) + REWRITES + FABRICATIONS


def half_of(article_id: str) -> str:
    return "dev" if int(hashlib.sha1(article_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def read_articles(path: Path) -> list[dict]:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist. Fix: give --data PATH to vietnews-5000.jsonl.gz")
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            if any(k in fold(f"{a['title']} {a['abstract']}".lower()) for k in _TOPIC):
                out.append(a)
    return out


def _sentences(article: dict) -> list[str]:
    return [s for s in split_sentences(article["body"]) if 8 <= len(s.split()) <= 60]


def _pools(articles: list[dict]) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """Districts and people of the whole sample, and digit-free clauses by article (for invented clauses)."""
    districts, people, clauses = set(), set(), {}
    for a in articles:
        text = a["body"]
        districts.update(admin_names_in(text))
        people.update(n.text for n in find_names(text) if n.is_person)
        clauses[a["id"]] = [c.strip() for s in _sentences(a) for c in s.rstrip(".").split(",")
                            if 5 <= len(c.split()) <= 12 and not any(ch.isdigit() for ch in c)]
    return sorted(districts), sorted(people), clauses


def build_pairs(articles: list[dict], seed: int = 12) -> list[dict]:
    districts, people, clauses = _pools(articles)
    ids = [a["id"] for a in articles]
    makers = {
        "digits_words": P.digits_words, "abbreviation": P.abbreviation, "clause_order": P.clause_order,
        "count_swap": P.count_swap, "role_swap": P.role_swap, "quantifier": P.quantifier,
        "ordinal_term": P.ordinal_term, "negation": P.negation, "wrong_year": P.wrong_year,
        "wrong_place": lambda s, p, r: P.wrong_place(s, p, r, districts),
        "wrong_person": lambda s, p, r: P.wrong_person(s, p, r, people),
    }
    pairs = []
    for a in articles:
        rng = random.Random(f"{seed}:{a['id']}")
        sentences = _sentences(a)
        if not sentences:
            continue
        windows = []
        for i, s in enumerate(sentences):
            windows.append((s, " ".join(sentences[max(0, i - 1):i + 2])))
        order = list(range(len(windows)))
        rng.shuffle(order)

        def add(kind: str, sentence: str, passage: str, passages: list[str] | None = None) -> None:
            pairs.append({"id": f"{a['id']}:{kind}", "article_id": a["id"], "half": half_of(a["id"]), "kind": kind,
                          "supported": kind not in FABRICATIONS, "sentence": sentence, "passage": passage,
                          "passages": passages or [passage], "title": a["title"]})

        s, p = windows[order[0]]
        add("original", s, p)
        other = ids[(ids.index(a["id"]) + 1 + rng.randrange(len(ids) - 1)) % len(ids)]
        makers["invented_clause"] = lambda s, p, r: P.invented_clause(s, p, r, clauses[other])
        for kind in REWRITES + FABRICATIONS:
            if kind in _MORE or kind in _PARAPHRASE:
                continue
            for i in order:
                s, p = windows[i]
                # a wrong place, year or person must be one the title does not state either
                new = makers[kind](s, f"{a['title']}. {p}" if kind.startswith("wrong_") else p, rng)
                if new and new != s:
                    add(kind, new, p)
                    break
        _add_more(a, sentences, windows, order, add, seed)
        _add_paraphrases(a, windows, order, add, seed)
    return pairs


_PARAPHRASE = ("synonym", "summary")


def _add_paraphrases(article: dict, windows, order: list[int], add, seed: int) -> None:
    """The rewrites of issue 12d, from their own seeded generator (the earlier kinds' pairs stay as they were)."""
    rng = random.Random(f"{seed}:paraphrase:{article['id']}")
    for kind, make in (("synonym", R.synonym), ("summary", R.summary)):
        _first_made(kind, make, windows, order, add, rng)


def _first_made(kind: str, make, windows, order: list[int], add, rng: random.Random) -> None:
    """The pair of `kind` from the first window (in the article's shuffled order) `make` can rewrite."""
    for i in order:
        s, p = windows[i]
        new = make(s, p, rng)
        if new and new != s:
            add(kind, new, p)
            break


_MORE = ("spanning", "number_moved", "total_vs_part", "contrary_word", "role_without_person", "invented_clause_near")


def _add_more(article: dict, sentences: list[str], windows, order: list[int], add, seed: int) -> None:
    """The kinds of issue 12c, from their own seeded generator (the earlier kinds' pairs stay as they were)."""
    rng = random.Random(f"{seed}:more:{article['id']}")
    near = lambda i: [c for j, s in enumerate(sentences) if abs(j - i) >= 3  # noqa: E731
                      for c in s.rstrip(".").split(",") if 5 <= len(c.split()) <= 12 and not any(ch.isdigit() for ch in c)]
    makers = {"number_moved": M.number_moved, "total_vs_part": M.total_vs_part, "contrary_word": M.contrary_word,
              "role_without_person": M.role_without_person}
    for i in order:  # a sentence spanning two passages: sentences i-1..i in one, i+1..i+2 in the next
        if i + 1 < len(sentences):
            new = M.spanning(sentences[i], sentences[i + 1])
            if new:
                first, second = " ".join(sentences[max(0, i - 1):i + 1]), " ".join(sentences[i + 1:i + 3])
                add("spanning", new, first, [first, second])
                break
    for kind, make in makers.items():
        _first_made(kind, make, windows, order, add, rng)
    for i in order:
        s, p = windows[i]
        new = M.invented_clause_near(s, p, rng, [c.strip() for c in near(i)])
        if new:
            add("invented_clause_near", new, p)
            break


def score(pairs: list[dict], check, form: str) -> dict:
    """Per kind: pairs judged right. `check(sentence, passages, title)` -> a verdict with `supported`."""
    right, total, errors, times = Counter(), Counter(), [], []
    for pair in pairs:
        start = time.perf_counter()
        verdict = check(pair["sentence"], pair.get("passages") or [pair["passage"]], pair["title"] if form == "context" else "")
        times.append(time.perf_counter() - start)
        total[pair["kind"]] += 1
        if verdict.supported == pair["supported"]:
            right[pair["kind"]] += 1
        else:
            errors.append((pair, verdict))
    n = sum(total.values())
    passed = {k: 1 - right[k] / total[k] for k in FABRICATIONS if total[k]}
    times.sort()
    return {"form": form, "pairs": n, "accuracy": sum(right.values()) / n if n else 0.0,
            "by_kind": {k: (right[k], total[k]) for k in KINDS if total[k]},
            "rewrites_supported": sum(right[k] for k in ("original",) + REWRITES) / max(1, sum(total[k] for k in ("original",) + REWRITES)),
            "worst_fabrication_passed": max(passed.values(), default=0.0),
            "p50_ms": 1000 * times[len(times) // 2] if times else 0.0, "errors": errors}


def make_check(lexical_only: bool):
    from rag.cite.slots import prepare_passage
    from rag.cite.support import SupportChecker

    embedder = None
    if not lexical_only:
        from rag.embed.registry import DEFAULT_EMBEDDER, make_embedder

        embedder = make_embedder(DEFAULT_EMBEDDER)
    checker = SupportChecker(embedder)
    return lambda sentence, passages, title: checker.check(sentence, [prepare_passage(p, title) for p in passages])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="vietnews-5000.jsonl.gz")
    parser.add_argument("--half", choices=("dev", "test"), default="test")
    parser.add_argument("--form", choices=("context", "bare", "both"), default="both")
    parser.add_argument("--errors", type=int, default=0, help="print this many misjudged pairs per kind")
    parser.add_argument("--kind", help="only this kind")
    parser.add_argument("--lexical-only", action="store_true", help="no e5 model")
    args = parser.parse_args(argv)
    articles = read_articles(args.data)
    pairs = build_pairs(articles)
    counts = Counter(p["half"] for p in pairs)
    print(f"{len(articles)} Party/government articles -> {len(pairs)} pairs "
          f"(dev {counts['dev']}, test {counts['test']}); reporting the {args.half} half")
    chosen = [p for p in pairs if p["half"] == args.half and (not args.kind or p["kind"] == args.kind)]
    check = make_check(args.lexical_only)
    results = {}
    for form in (("context", "bare") if args.form == "both" else (args.form,)):
        r = score(chosen, check, form)
        results[form] = r
        print(f"\n{args.half} half, sources as {'text + title' if form == 'context' else 'bare text'}: "
              f"accuracy {r['accuracy']:.3f} on {r['pairs']} pairs; rewrites supported {r['rewrites_supported']:.3f}; "
              f"worst fabrication passed {r['worst_fabrication_passed']:.3f}; p50 {r['p50_ms']:.1f} ms/pair")
        print(f"  {'kind':<16}{'right':>7}{'pairs':>7}{'accuracy':>10}")
        for kind, (ok, n) in r["by_kind"].items():
            print(f"  {kind:<16}{ok:>7}{n:>7}{ok / n:>10.3f}")
        shown = Counter()
        for pair, verdict in r["errors"]:
            if shown[pair["kind"]] < args.errors:
                shown[pair["kind"]] += 1
                print(f"  WRONG {pair['kind']}: {pair['sentence']}\n     passage: {pair['passage'][:400]}\n"
                      f"     reasons: {verdict.reasons}")
    return results


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
