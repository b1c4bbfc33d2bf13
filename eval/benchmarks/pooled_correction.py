"""Fit the linear correction of pooled chunk vectors (rag/embed/pooled_correction.npy) and measure it.

A pooled chunk vector (rag/embed/pooled.py) is the mean of its pieces' states with each sentence's context
limited to itself; the whole-chunk pass sees them together. This script learns a ridge-regression residual
D so that unit(p + [features, 1] @ D) is near the whole-chunk vector, where the features are the pooled
vector p and optionally the mean of the chunk's answer-unit vectors and the header's own vector (all three
are by-products of the pooled build's passes, so the correction costs no forward pass).

Training: chunks of VietNews articles --train START:COUNT (default 0:400); development: cosine to the whole
chunk vectors on the held articles --held START:COUNT (default 4000:80), used to pick the feature set
and the ridge strength. XQuAD is not read here. The VietNews file is read at run time (--data); only the
fitted weights (float16, no text) are written, with --write.
Vectors are kept in --vectors (an .npz outside the repository) so refits need no model run.
Usage: nice python -m eval.benchmarks.pooled_correction [--train 0:400] [--held 4000:80]
       [--vectors /tmp/pooled-vectors.npz] [--write] [--json out.json]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from eval.benchmarks.archive import DATA
from eval.benchmarks.reporting import print_and_save

FEATURES = {"p": 1, "p+units": 2, "p+units+header": 3}
LAMBDAS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)


def chunk_range(data: Path, start: int, count: int):
    from eval.benchmarks.title_retrieval import sample
    from rag.ingest.articles import load_articles
    from rag.ingest.chunking import ChunkSettings, chunk_article

    with tempfile.TemporaryDirectory(prefix="rag-corr-") as tmp:
        sample(data, start, count, Path(tmp) / "vietnews.jsonl")
        articles = load_articles(Path(tmp)).articles
    return [c for a in articles for c in chunk_article(a, ChunkSettings())]


def vectors(embedder, chunks) -> dict[str, np.ndarray]:
    """Whole-chunk vectors (the target) and the pooled build's features for each chunk."""
    from rag.embed.pooled import _Pieces, features
    from rag.ingest.chunking import answer_units, embedding_text

    whole = embedder.embed_passages([embedding_text(c) for c in chunks])
    pieces = _Pieces(embedder, False)
    parts = [[c.header(), *answer_units(c)] for c in chunks]
    pieces.compute([p for ps in parts for p in ps])
    return {"whole": whole, "features": np.stack([features(pieces, ps) for ps in parts])}


def fit(x: np.ndarray, p: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """Ridge residual: D minimising |y - p - [x, 1] D|^2 + lam |D|^2 (the bias not penalised)."""
    xb = np.hstack([x, np.ones((len(x), 1))]).astype(np.float64)
    reg = lam * np.eye(xb.shape[1])
    reg[-1, -1] = 0.0
    return np.linalg.solve(xb.T @ xb + reg, xb.T @ (y - p).astype(np.float64))


def cosines(x: np.ndarray, y: np.ndarray, d: np.ndarray | None) -> dict:
    from rag.embed.pooled import correct

    p = x[:, :384]
    out = correct(x, d) if d is not None else p / np.linalg.norm(p, axis=1, keepdims=True)
    cos = (out * y).sum(1)
    return {"mean": round(float(cos.mean()), 4), "p10": round(float(np.percentile(cos, 10)), 4),
            "min": round(float(cos.min()), 4)}


def span(text: str) -> tuple[int, int]:
    start, count = text.split(":")
    return int(start), int(count)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--train", type=span, default=(0, 400))
    ap.add_argument("--held", type=span, default=(4000, 80))
    ap.add_argument("--vectors", type=Path, default=Path(tempfile.gettempdir()) / "rag-pooled-vectors.npz")
    ap.add_argument("--write", action="store_true", help="write the chosen weights to rag/embed/")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from rag.embed.pooled import CORRECTION_FILE

    key = f"{args.train}{args.held}"
    if args.vectors.exists() and str(np.load(args.vectors)["key"]) == key:
        saved = dict(np.load(args.vectors))
    else:
        from rag.embed.registry import make_embedder

        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="rag-corr-w-") as tmp:
            embedder = make_embedder("e5-small-torch", cache_dir=Path(tmp))
            saved = {"key": np.array(key)}
            for name, (start, count) in (("train", args.train), ("held", args.held)):
                for k, v in vectors(embedder, chunk_range(args.data, start, count)).items():
                    saved[f"{name}_{k}"] = v
        np.savez(args.vectors, **saved)
        print(f"embedded in {time.perf_counter() - started:.0f} s", flush=True)
    xt, yt, xh, yh = saved["train_features"], saved["train_whole"], saved["held_features"], saved["held_whole"]
    report = {"train": {"range": list(args.train), "chunks": len(xt)}, "held": {"range": list(args.held), "chunks": len(xh)},
              "pooled": cosines(xh, yh, None), "fits": {}}
    best = None
    for name, k in FEATURES.items():
        for lam in LAMBDAS:
            d = fit(xt[:, : 384 * k], xt[:, :384], yt, lam)
            row = {"held": cosines(xh[:, : 384 * k], yh, d), "train": cosines(xt[:, : 384 * k], yt, d)}
            report["fits"][f"{name} lam={lam}"] = row
            if best is None or row["held"]["mean"] > best[0]:
                best = (row["held"]["mean"], f"{name} lam={lam}", d)
    report["chosen"] = best[1]
    if args.write:
        np.save(CORRECTION_FILE, best[2].astype(np.float16))
        report["written"] = str(CORRECTION_FILE)
    return print_and_save(report, args.json)


if __name__ == "__main__":
    main()
