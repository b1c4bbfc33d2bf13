"""Fit the learned salience scorer (rag/answer/salience_model.json) on VietNews abstracts no evaluation uses.

Articles (eval/benchmarks/salience_corpus.py), each source indexed with `rag index build`:
- the Party/government articles outside the digest benchmark's whole pool, the held-out writers' used ids and
  every id an eval/*.jsonl set names, plus the first --any-topic (600) articles of other topics outside the
  pool with a pool-length body (250-700 words: the pool's shape, which the Party/government ones outside it lack);
- the digest pool's spent positions --pool START:END (default 0:210, all of them; positions 211-300 are the
  lead's fresh test range and later ones reserved, never allowed). Cross-fitting (issue 11g): `--pool 150:210`
  gives the model scored on positions 1-150, `--pool 0:150` the one scored on 151-210.
Pieces: what the synthesiser offers for a report (rag.answer.synthesis.Synthesiser._pieces: each sentence and
the clauses of long ones), with the features of rag.answer.learned_salience.
Label of a piece: how much of the article's human abstract it carries beyond the title, mixing (--fact-share,
the facts' part, default 1.0: the digest benchmark's own notion; issue 11e used 0.5)
- the share of the abstract's facts (eval.benchmarks.digest.facts_of: numbers and names of the abstract found
  in the body and not in the title) it holds, and
- the share of the abstract's syllable pairs (accent-folded, pairs wholly inside the title left out) it holds
  (ROUGE-2 recall),
divided by the article's best piece, so each article's most abstract-like piece scores 1.
Model: ridge least squares (numpy), the pool articles' pieces weighted to count as much in all as the others'. Before the final fit on all articles, a check: fitted on 80% of the
articles (by id), the other 20% report the correlation with the label and the label mass of the model's top 3
pieces per article against the first 3 (LEAD).

Usage (from the repository root):
  python -m eval.benchmarks.salience_train [--vietnews PATH] [--index DIR] [--pool-index DIR] [--pool 0:210]
                                           [--any-topic 600] [--fact-share 1.0] [--ridge 1.0] [--out PATH]
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
from eval.benchmarks.salience_corpus import SPENT_POOL_POSITIONS, build_index, pool_rows, training_rows
from rag.answer.learned_salience import FEATURES, MODEL_PATH, article_features
from rag.answer.synthesis import Synthesiser
from rag.config import Config
from rag.evaluate.metrics import fact_met
from rag.pipeline import build_pipeline
from rag.text.vietnamese import folded_syllables

FACT_SHARE = 1.0
ANY_TOPIC = 600
POOL = "0:210"


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


def ridge(x: np.ndarray, y: np.ndarray, alpha: float, weights: np.ndarray | None = None) -> np.ndarray:
    """Ridge least squares, each row weighted by `weights` (default 1)."""
    penalty = alpha * np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # the bias is not shrunk
    xw = x if weights is None else x * weights[:, None]
    return np.linalg.solve(xw.T @ x + penalty, xw.T @ y)


def stacked(articles: list[tuple[str, np.ndarray, np.ndarray, bool]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and row weights: the pool articles (the 4th field) weigh as much in all as the others,
    as they have the shape of the articles the scorer is used on (cross-fitted choice, eval/README.md, issue 11g)."""
    x, y = np.vstack([a[1] for a in articles]), np.concatenate([a[2] for a in articles])
    in_pool = np.concatenate([np.full(len(a[2]), a[3]) for a in articles])
    weights = np.ones(len(y))
    if in_pool.any() and (~in_pool).any():
        weights[in_pool] = (~in_pool).sum() / in_pool.sum()
    return x, y, weights


def check(articles: list[tuple[str, np.ndarray, np.ndarray]], alpha: float) -> dict:
    """Fit on 80% of the articles (by a hash of the id), report on the other 20%."""
    held = [a for a in articles if int(hashlib.sha1(a[0].encode()).hexdigest(), 16) % 5 == 0]
    fit = [a for a in articles if a not in held]
    w = ridge(*stacked(fit)[:2], alpha, stacked(fit)[2])
    model_top, lead_top, corr = [], [], []
    for _, x, y, _ in held:
        whole = x[:, FEATURES.index("clause")] == 0  # sentences, in reading order: LEAD is the first three
        xs, ys = x[whole], y[whole]
        pred = xs @ w
        model_top.append(ys[np.argsort(-pred)[:3]].sum())
        lead_top.append(ys[:3].sum())
        if ys.std() > 0 and pred.std() > 0:
            corr.append(float(np.corrcoef(pred, ys)[0, 1]))
    return {"articles_fit": len(fit), "articles_checked": len(held), "mean_correlation": round(float(np.mean(corr)), 3),
            "top3_label_model": round(float(np.mean(model_top)), 3), "top3_label_lead": round(float(np.mean(lead_top)), 3)}


def parse_range(text: str) -> tuple[int, int]:
    """'START:END' (0-based digest pool positions, END excluded) -> (start, end); '' -> (0, 0)."""
    if not text:
        return 0, 0
    start, _, end = text.partition(":")
    return int(start), int(end)


def featurised(rows: list[dict], index: Path, work: Path, fact_share: float,
               in_pool: bool = False) -> list[tuple[str, np.ndarray, np.ndarray, bool]]:
    """(id, features, labels, in_pool) of every article of `rows` with three pieces or more, indexed at `index`."""
    build_index(rows, index, work)
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
        articles.append((row["id"], x, labels(texts, row["abstract"], row["title"], facts_of(row), fact_share), in_pool))
    return articles


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vietnews", type=Path, default=Path("../shared/data/vietnews/vietnews-5000.jsonl.gz"))
    parser.add_argument("--index", type=Path, help="reuse (or build) the training index here")
    parser.add_argument("--ridge", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--fact-share", type=float, default=FACT_SHARE,
                        help="the facts' part of the label (the rest: abstract-pair recall)")
    parser.add_argument("--any-topic", type=int, default=ANY_TOPIC,
                        help="also train on this many articles of other topics outside the digest pool (pool-length bodies)")
    parser.add_argument("--pool", default=POOL, help="digest pool positions START:END (0-based, END <= "
                        f"{SPENT_POOL_POSITIONS}: the spent ones) also trained on; '' for none")
    parser.add_argument("--pool-index", type=Path, help="reuse (or build) the index of those pool articles here")
    args = parser.parse_args()
    start, end = parse_range(args.pool)
    rows = training_rows(args.vietnews, args.any_topic)
    pool = pool_rows(args.vietnews, end)[start:]
    with tempfile.TemporaryDirectory() as tmp:
        articles = featurised(rows, args.index or Path(tmp) / "index", Path(tmp) / "main", args.fact_share)
        if pool:
            articles += featurised(pool, args.pool_index or Path(tmp) / "pool", Path(tmp) / "pool_work", args.fact_share,
                                   in_pool=True)
    checked = check(articles, args.ridge)
    x, y, weights = stacked(articles)
    w = ridge(x, y, args.ridge, weights)
    command = "python -m eval.benchmarks.salience_train" + "".join(
        f" {flag} {value}" for flag, value, default in (("--fact-share", args.fact_share, FACT_SHARE),
                                                       ("--any-topic", args.any_topic, ANY_TOPIC),
                                                       ("--pool", repr(args.pool), repr(POOL)),
                                                       ("--ridge", args.ridge, 1.0)) if value != default)
    model = {"features": list(FEATURES), "weights": {n: round(float(v), 5) for n, v in zip(FEATURES, w)},
             "trained_on": {"articles": len(articles), "pieces": len(y), "ridge": args.ridge, "fact_share": args.fact_share,
                            "any_topic": args.any_topic, "pool": args.pool, "command": command},
             "check_80_20": checked}
    args.out.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(model["trained_on"]), json.dumps(checked), sep="\n")
    for name, value in sorted(model["weights"].items(), key=lambda kv: -abs(kv[1])):
        print(f"  {name:15s} {value:+.3f}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
