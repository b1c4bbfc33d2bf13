"""Train the checker's learned verifier (rag/cite/verifier.py) and measure it against the rules alone.

Training data (development data only): the `dev` half of the perturbation benchmark (sources as text + title)
and the spent human pair sets (eval/checker_pairs*.jsonl, every source form of `rag check`, resolved against a
temporary index of the seeds as eval/benchmarks/checker_forms.py does). Only the sentences the rules leave open
are rows (no fact reason: see rag/cite/verifier.py); the rest keep the rules' verdict.

Two logistic regressions (scikit-learn), `passed` (the rules pass it) and `wording` (the rules fail it on wording
alone; e5 scores as well). Human pairs are few: each stage gives them together a quarter of the weight of the
dev pairs. The threshold of each stage is chosen on out-of-fold probabilities (leave one group out: five
article-grouped folds of the dev half and each human set as its own group), maximising weighted accuracy.

    python -m eval.benchmarks.checker_train                 # rows, cross-validation, writes rag/cite/verifier.json
    python -m eval.benchmarks.checker_train --evaluate      # + human sets left out one at a time, all four forms
    python -m eval.benchmarks.checker_train --test-rows /tmp/test_rows.json   # + the test half (run it once)
    python -m eval.benchmarks.checker_train --test-half     # the test half through the checker itself

Rows are cached in --rows (a temporary file by default) so the fit can be re-run without the checker.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from eval.benchmarks.checker_forms import FORMS, source
from eval.benchmarks.checker_pairs import DATA, FABRICATIONS, KINDS, REWRITES, build_pairs, read_articles
from rag.cite.verifier import DEFAULT_PATH, FEATURES

REPO = Path(__file__).resolve().parents[2]
HUMAN_SETS = ("checker_pairs", "checker_pairs_heldout", "checker_pairs_hidden12", "checker_pairs_hidden12b",
              "checker_pairs_unseen13", "checker_pairs_unseen14")
HUMAN_SHARE = 0.25  # the human rows' total weight, as a share of the dev rows' weight in a stage
DEV_FOLDS = 5
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.02, 0.99, 0.02))


def _stage(verdict) -> str | None:
    f = verdict.features
    if f is None:
        return None
    wording = f["flagged_parts"] + f["flagged_local_parts"] + f["coverage_failed"] > 0
    if wording:
        return "wording" if "whole_similarity" in f else None
    return "passed"


def _row(pair: dict, verdict, group: str, form: str) -> dict:
    return {"id": pair["id"], "kind": pair.get("kind", ""), "label": bool(pair["supported"]), "group": group,
            "form": form, "by_rules": bool(verdict.by_rules if verdict.by_rules is not None else verdict.supported),
            "stage": _stage(verdict), "features": dict(verdict.features or {})}


class Seeds:
    """A temporary index of the seeds, as `rag check` resolves article and chunk ids against it."""

    def __init__(self, tmp: Path, embedder):
        from rag.cli.check import _SourceResolver, index_places
        from rag.index.store import build_index, load_index, save_index
        from rag.ingest.articles import load_articles

        path = tmp / "seeds"
        save_index(build_index(load_articles(REPO / "seeds").articles, embedder, path), path)
        self.index, self.resolver, self.places = load_index(path), _SourceResolver(path), index_places(path)


def human_rows(checker, seeds: Seeds, names=HUMAN_SETS) -> list[dict]:
    from rag.ingest.jsonl import read_jsonl

    rows = []
    for name in names:
        for pair in read_jsonl(REPO / "eval" / f"{name}.jsonl"):
            for form in FORMS:
                passage = seeds.resolver.passage(source(form, pair, seeds.index), pair["id"])
                rows.append(_row(pair, checker.check(pair["sentence"], [passage]), name, form))
    return rows


def dev_rows(checker, pairs: list[dict], form: str = "context") -> list[dict]:
    from rag.cite.slots import prepare_passage

    rows = []
    for pair in pairs:
        title = pair["title"] if form == "context" else ""
        verdict = checker.check(pair["sentence"], [prepare_passage(p, title) for p in pair["passages"]])
        fold = int(hashlib.sha1(pair["article_id"].encode()).hexdigest(), 16) % DEV_FOLDS
        rows.append(_row(pair, verdict, f"dev{fold}", form))
    return rows


def _matrix(rows: list[dict], stage: str):
    names = FEATURES[stage]
    X = np.array([[r["features"].get(n, 0.0) for n in names] for r in rows], dtype=float)
    y = np.array([r["label"] for r in rows], dtype=int)
    dev = np.array([r["group"].startswith("dev") for r in rows])
    w = np.ones(len(rows))
    if (~dev).any() and dev.any():
        w[~dev] = HUMAN_SHARE * dev.sum() / (~dev).sum()
    return X, y, w


def fit_stage(rows: list[dict], stage: str) -> dict | None:
    from sklearn.linear_model import LogisticRegression

    X, y, w = _matrix(rows, stage)
    if len(set(y)) < 2:
        return None
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000).fit((X - mean) / scale, y, sample_weight=w)
    return {"names": list(FEATURES[stage]), "mean": mean.tolist(), "scale": scale.tolist(),
            "coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]), "threshold": 0.5}


def _probabilities(model: dict, rows: list[dict]) -> np.ndarray:
    X = np.array([[r["features"].get(n, 0.0) for n in model["names"]] for r in rows], dtype=float)
    z = model["intercept"] + ((X - np.array(model["mean"])) / np.array(model["scale"])) @ np.array(model["coef"])
    return 1 / (1 + np.exp(-z))


def out_of_fold(rows: list[dict], stage: str) -> np.ndarray:
    """Probabilities of each row by a model fitted without its group (leave one group out)."""
    p = np.full(len(rows), np.nan)
    for group in sorted({r["group"] for r in rows}):
        inside = [i for i, r in enumerate(rows) if r["group"] == group]
        model = fit_stage([r for r in rows if r["group"] != group], stage)
        if model is not None:
            p[inside] = _probabilities(model, [rows[i] for i in inside])
    return p


def choose_threshold(rows: list[dict], p: np.ndarray, stage: str) -> tuple[float, list[str]]:
    """The threshold of best weighted out-of-fold accuracy; ties go to the one closest to the rules."""
    _, y, w = _matrix(rows, stage)
    ok = ~np.isnan(p)
    rules = np.array([r["by_rules"] for r in rows])
    lines = [f"  {stage}: {len(rows)} rows, rules right {np.sum(w * (rules == y)) / w.sum():.4f} (weighted)"]
    best = (-1.0, 0.0)
    for t in THRESHOLDS:
        acc = float(np.sum(w[ok] * ((p[ok] >= t) == y[ok])) / w[ok].sum())
        closeness = -abs(np.mean((p[ok] >= t) != rules[ok]))
        best = max(best, (acc + 1e-9 * closeness, t))
        lines.append(f"    threshold {t:.2f}: weighted out-of-fold accuracy {acc:.4f}")
    return best[1], lines


def train(rows: list[dict]) -> tuple[dict, list[str]]:
    stages, report = {}, []
    for stage in FEATURES:
        chosen = [r for r in rows if r["stage"] == stage]
        model = fit_stage(chosen, stage)
        if model is None:
            continue
        threshold, lines = choose_threshold(chosen, out_of_fold(chosen, stage), stage)
        model["threshold"] = threshold
        stages[stage] = model
        report += lines + [f"  {stage}: threshold {threshold:.2f}"]
    return {"stages": stages, "built_by": "python -m eval.benchmarks.checker_train",
            "trained_on": "perturbation dev half (text + title) and " + ", ".join(HUMAN_SETS) + " (all four forms)",
            "rows": dict(Counter(r["stage"] for r in rows))}, report


def per_kind(pairs: list[dict], checker, form: str) -> dict:
    """Per kind: (rules right, verifier right, pairs) on the benchmark pairs, one checker pass each."""
    from rag.cite.slots import prepare_passage

    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pair in pairs:
        title = pair["title"] if form == "context" else ""
        v = checker.check(pair["sentence"], [prepare_passage(p, title) for p in pair["passages"]])
        rules = v.by_rules if v.by_rules is not None else v.supported
        c = out[pair["kind"]]
        c[0] += rules == pair["supported"]
        c[1] += v.supported == pair["supported"]
        c[2] += 1
    return dict(out)


def print_kinds(table: dict, title: str) -> None:
    print(f"\n{title}\n| kind | rules | verifier |\n| --- | --- | --- |")
    for kind in KINDS:
        if kind in table:
            a, b, n = table[kind]
            print(f"| {kind} | {a}/{n} = {a / n:.3f} | {b}/{n} = {b / n:.3f} |")
    for i, name in ((0, "rules"), (1, "verifier")):
        n = sum(c[2] for c in table.values())
        acc = sum(c[i] for c in table.values()) / n
        rew = [c for k, c in table.items() if k == "original" or k in REWRITES]
        worst = max((1 - c[i] / c[2], k) for k, c in table.items() if k in FABRICATIONS)
        print(f"{name}: accuracy {acc:.3f} on {n}; rewrites supported {sum(c[i] for c in rew) / sum(c[2] for c in rew):.3f}; "
              f"worst fabrication passed {worst[0]:.3f} ({worst[1]})")


def applied(model: dict, rows: list[dict]) -> list[bool]:
    """The checker's verdicts with `model` (rag/cite/support.py `_verified`), from rows the rules alone collected:
    a row the rules left open is decided by its stage's model, every other keeps the rules' verdict."""
    out = []
    for r in rows:
        stage = model["stages"].get(r["stage"]) if r["stage"] else None
        out.append(bool(_probabilities(stage, [r])[0] >= stage["threshold"]) if stage else r["by_rules"])
    return out


def table_from_rows(model: dict, rows: list[dict]) -> dict:
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r, verdict in zip(rows, applied(model, rows)):
        c = out[r["kind"]]
        c[0] += r["by_rules"] == r["label"]
        c[1] += verdict == r["label"]
        c[2] += 1
    return dict(out)


def leave_one_set_out(rows: list[dict]) -> None:
    """Each human set in every source form: the rules, and a verifier trained without that set. Verdicts are
    the checker's on the cited source as resolved by `rag check` (applied to the collected rows; a chunk is not
    re-read with its neighbour here, as `rag check` does for a sentence running past a chunk's end)."""
    print("\nhuman sets, each left out of training (context / bare / article id / chunk id):")
    totals = defaultdict(lambda: [0, 0, 0])
    for name in HUMAN_SETS:
        model, _ = train([r for r in rows if r["group"] != name])
        mine = [r for r in rows if r["group"] == name]
        for label, verdicts in (("rules", [r["by_rules"] for r in mine]), ("verifier", applied(model, mine))):
            right = [sum(v == r["label"] for r, v in zip(mine, verdicts) if r["form"] == form) for form in FORMS]
            n = sum(r["form"] == FORMS[0] for r in mine)
            for i, k in enumerate(right):
                totals[(label, FORMS[i])][0] += k
                totals[(label, FORMS[i])][1] += n
            print(f"  {name} ({n}) {label:<8}: " + " / ".join(f"{k / n:.3f}" for k in right) + f"  ({' / '.join(map(str, right))})")
    for label in ("rules", "verifier"):
        print(f"  all sets {label:<8}: " + " / ".join(f"{totals[(label, f)][0] / totals[(label, f)][1]:.3f}" for f in FORMS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--rows", type=Path, default=Path(tempfile.gettempdir()) / "checker_train_rows.json")
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--evaluate", action="store_true", help="human sets left out one at a time, all forms")
    parser.add_argument("--test-half", action="store_true", help="the test half, rules vs the written verifier")
    parser.add_argument("--test-rows", type=Path, help="collect (or read) the test half's rows here, both forms, "
                        "and report rules vs verifier from them (one pass of the rules; run it once)")
    parser.add_argument("--collect-only", action="store_true", help="with --test-rows: only collect them")
    parser.add_argument("--every", type=int, default=1, help="every n-th pair of each half (a quick look)")
    args = parser.parse_args(argv)

    from rag.cite.support import SupportChecker
    from rag.embed.registry import DEFAULT_EMBEDDER, make_embedder

    embedder = make_embedder(DEFAULT_EMBEDDER)
    pairs = build_pairs(read_articles(args.data))
    if args.test_rows and not args.test_rows.exists():
        test = [p for p in pairs if p["half"] == "test"][::args.every]
        checker = SupportChecker(embedder, verifier=None)
        rows = dev_rows(checker, test, "context") + dev_rows(checker, test, "bare")
        args.test_rows.write_text(json.dumps(rows), encoding="utf-8")
        print(f"wrote {len(rows)} test-half rows to {args.test_rows}")
    if args.collect_only:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        seeds = Seeds(Path(tmp), embedder)
        rules = SupportChecker(embedder, places=seeds.places, verifier=None)
        if args.rows.exists():
            rows = json.loads(args.rows.read_text(encoding="utf-8"))
            print(f"rows from {args.rows} ({len(rows)}; delete it to collect them again)")
        else:
            rows = dev_rows(SupportChecker(embedder, verifier=None), [p for p in pairs if p["half"] == "dev"][::args.every])
            rows += human_rows(rules, seeds)
            args.rows.write_text(json.dumps(rows), encoding="utf-8")
        print(f"{len(rows)} rows: {dict(Counter(r['stage'] for r in rows))}")
        model, report = train(rows)
        print("\n".join(report))
        args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
        if args.test_rows:
            test_rows = json.loads(args.test_rows.read_text(encoding="utf-8"))
            for form in ("context", "bare"):
                chosen = [r for r in test_rows if r["form"] == form]
                print_kinds(table_from_rows(model, chosen), f"test half, sources as {form} ({len(chosen)} pairs)")
        if args.evaluate:
            leave_one_set_out(rows)
    if args.test_half:
        from rag.cite.verifier import Verifier

        checker = SupportChecker(embedder, verifier=Verifier.load(args.out))
        test = [p for p in pairs if p["half"] == "test"][::args.every]
        for form in ("context", "bare"):
            print_kinds(per_kind(test, checker, form), f"test half, sources as {form} ({len(test)} pairs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
