"""Fit the learned salience scorer (rag/answer/salience_model.json) on VietNews abstracts no evaluation uses.

Articles: eval/benchmarks/salience_corpus.py (Party/government, outside the digest benchmark's whole pool, the
held-out writers' used ids and every id an eval/*.jsonl set names), indexed with `rag index build`.
Pieces: what the synthesiser offers for a report (rag.answer.synthesis.Synthesiser._pieces: each sentence and
the clauses of long ones), with the features of rag.answer.learned_salience.
Label of a piece: how much of the article's human abstract it carries beyond the title, mixing (--fact-share,
the facts' part, default 0.5)
- the share of the abstract's facts (eval.benchmarks.digest.facts_of: numbers and names of the abstract found
  in the body and not in the title) it holds, and
- the share of the abstract's syllable pairs (accent-folded, pairs wholly inside the title left out) it holds
  (ROUGE-2 recall),
divided by the article's best piece, so each article's most abstract-like piece scores 1.
Model: ridge least squares (numpy). Before the final fit on all articles, a check: fitted on 80% of the
articles (by id), the other 20% report the correlation with the label and the label mass of the model's top 3
pieces per article against the first 3 (LEAD).

Usage (from the repository root):
  python -m eval.benchmarks.salience_train [--vietnews PATH] [--index DIR] [--ridge 1.0] [--out PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import tempfile
from pathlib import Path

import numpy as np

from eval.benchmarks.digest import facts_of
from eval.benchmarks.salience_corpus import build_index, training_rows
from rag.answer.learned_salience import FEATURES, MODEL_PATH, article_features
from rag.answer.synthesis import Synthesiser
from rag.config import Config
from rag.evaluate.metrics import fact_met
from rag.pipeline import build_pipeline
from rag.text.vietnamese import folded_syllables


def pairs(text: str) -> set[tuple[str, str]]:
    s = folded_syllables(text)
    return set(itertools.pairwise(s))


def labels(texts: list[str], abstract: str, title: str, facts: list[str], fact_share_weight: float = 0.5) -> np.ndarray:
    """Per piece: fact share and abstract-pair recall (beyond the title) mixed (`fact_share_weight` the
    facts' part), over the article's best."""
    title_syllables = set(folded_syllables(title))
    wanted = {p for p in pairs(abstract) if not set(p) <= title_syllables}
    out = []
    for text in texts:
        pair_recall = len(wanted & pairs(text)) / len(wanted) if wanted else 0.0
        fact_share = sum(fact_met((f,), text) for f in facts) / len(facts) if facts else pair_recall
        out.append(fact_share_weight * fact_share + (1 - fact_share_weight) * pair_recall)
    y = np.array(out)
    return y / y.max() if y.max() > 0 else y


def ridge(x: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    penalty = alpha * np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # the bias is not shrunk
    return np.linalg.solve(x.T @ x + penalty, x.T @ y)


def check(articles: list[tuple[str, np.ndarray, np.ndarray]], alpha: float) -> dict:
    """Fit on 80% of the articles (by a hash of the id), report on the other 20%."""
    held = [a for a in articles if int(hashlib.sha1(a[0].encode()).hexdigest(), 16) % 5 == 0]
    fit = [a for a in articles if a not in held]
    w = ridge(np.vstack([a[1] for a in fit]), np.concatenate([a[2] for a in fit]), alpha)
    model_top, lead_top, corr = [], [], []
    for _, x, y in held:
        whole = x[:, FEATURES.index("clause")] == 0  # sentences, in reading order: LEAD is the first three
        xs, ys = x[whole], y[whole]
        pred = xs @ w
        model_top.append(ys[np.argsort(-pred)[:3]].sum())
        lead_top.append(ys[:3].sum())
        if ys.std() > 0 and pred.std() > 0:
            corr.append(float(np.corrcoef(pred, ys)[0, 1]))
    return {"articles_fit": len(fit), "articles_checked": len(held), "mean_correlation": round(float(np.mean(corr)), 3),
            "top3_label_model": round(float(np.mean(model_top)), 3), "top3_label_lead": round(float(np.mean(lead_top)), 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vietnews", type=Path, default=Path("../shared/data/vietnews/vietnews-5000.jsonl.gz"))
    parser.add_argument("--index", type=Path, help="reuse (or build) the training index here")
    parser.add_argument("--ridge", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--fact-share", type=float, default=0.5,
                        help="the facts' part of the label (the rest: abstract-pair recall)")
    args = parser.parse_args()
    rows = training_rows(args.vietnews)
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index or Path(tmp) / "index"
        build_index(rows, index, Path(tmp))
        generator = build_pipeline(Config(index=index)).generator
        synthesiser = Synthesiser(generator)
        articles = []
        for row in rows:
            if row["id"] not in generator.index.articles:
                continue  # a duplicate text the index build skipped
            pieces = synthesiser._pieces(row["id"], {}, "report")
            if len(pieces) < 3:
                continue
            texts, units = [p.text for p in pieces], [p.unit for p in pieces]
            x = article_features(texts, units, generator.index.unit_vectors, row["title"])
            articles.append((row["id"], x, labels(texts, row["abstract"], row["title"], facts_of(row), args.fact_share)))
    checked = check(articles, args.ridge)
    x, y = np.vstack([a[1] for a in articles]), np.concatenate([a[2] for a in articles])
    w = ridge(x, y, args.ridge)
    model = {"features": list(FEATURES), "weights": {n: round(float(v), 5) for n, v in zip(FEATURES, w)},
             "trained_on": {"articles": len(articles), "pieces": len(y), "ridge": args.ridge, "fact_share": args.fact_share,
                            "command": "python -m eval.benchmarks.salience_train"}, "check_80_20": checked}
    args.out.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(model["trained_on"]), json.dumps(checked), sep="\n")
    for name, value in sorted(model["weights"].items(), key=lambda kv: -abs(kv[1])):
        print(f"  {name:15s} {value:+.3f}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
