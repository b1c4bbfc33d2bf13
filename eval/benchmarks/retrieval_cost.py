"""What retrieval costs per question, with and without cutting the rankings, in the same run.

Chunks and answer units come from real VietNews articles (../shared/data/vietnews, read at run time),
chunked as `rag index build` does. Vectors are random unit vectors: this measures cost, not quality
(no model runs, so the figures exclude query embedding, which is the same either way). Per question:
- no cut: FAISS exact search over chunks + BM25 over chunks, every BM25 match fused (as the code
  before the cut did; it also re-checked constraints per fused row, so it was slower still);
- chunks, BM25 cut: the same with each BM25 ranking cut to its best 100 rows before fusion;
- now: the cut, plus BM25 over units and e5 best-sentence scores of the candidates;
- now, filtered: the same questions restricted to the most common year, with every chunk that keeps it
  given its e5 best-sentence score (the scan `filtered_scan_limit` allows up to 5,000 chunks; here it is
  lifted to show what the scan costs per allowed chunk).
All run `HybridRetriever.retrieve` (with unit rankings switched off, or the cut set out of reach, for the
first two) on the same questions (the articles' titles); medians over rounds, one FAISS thread as when
serving.

Usage: python -m eval.benchmarks.retrieval_cost [--articles 5000] [--questions 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np


def load_articles(path: Path, n: int):
    from rag.schema import Article

    from rag.ingest.jsonl import read_jsonl

    rows = read_jsonl(path, "VietNews")[:n]
    return [Article(id=f"vn{i:05d}", title=r["title"], text=r["body"].replace("\n", "\n\n")) for i, r in enumerate(rows)]


def build(articles):
    import faiss

    from rag.ingest.chunking import answer_units, chunk_article
    from rag.index.store import Index, lexical_index, unit_lexical_index

    chunks = [c for a in articles for c in chunk_article(a)]
    units = [(row, u) for row, c in enumerate(chunks) for u in answer_units(c)]
    rng = np.random.default_rng(0)

    def unit_vectors(n: int) -> np.ndarray:
        v = rng.standard_normal((n, 384)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    vectors = faiss.IndexFlatIP(384)
    vectors.add(unit_vectors(len(chunks)))
    return Index(path=Path("."), manifest={}, articles={a.id: a for a in articles}, chunks=chunks, vectors=vectors,
                 lexical=lexical_index(chunks), units=units, unit_vectors=unit_vectors(len(units)),
                 unit_lexical=unit_lexical_index(units))


class _NoUnits:
    """Stands in for the unit BM25 index when the best-sentence rankings are switched off."""

    def __init__(self, n_units: int) -> None:
        self.n_units = n_units

    def scores(self, tokens):
        return np.zeros(self.n_units, dtype=np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vietnews", type=Path, default=Path("../shared/data/vietnews/vietnews-5000.jsonl.gz"))
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import faiss

    from rag.retrieve.planning import Gazetteer, plan_query
    from rag.retrieve.hybrid import HybridRetriever, RetrievalSettings

    faiss.omp_set_num_threads(1)
    started = time.perf_counter()
    articles = load_articles(args.vietnews, args.articles)
    index = build(articles)
    print(f"{len(articles)} articles, {len(index.chunks)} chunks, {len(index.units)} units "
          f"(built in {time.perf_counter() - started:.0f} s, random vectors)")
    def chunk_only(settings: RetrievalSettings) -> HybridRetriever:
        retriever = HybridRetriever(index, embedder=None, settings=settings)
        retriever.index = type(index)(**{**index.__dict__, "unit_lexical": _NoUnits(len(index.units))})
        retriever._best_sentence = lambda vector, rows: (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        return retriever

    paths = {
        "no cut (chunks, every BM25 match fused)": chunk_only(RetrievalSettings(ranking_cut=10**9)),
        "chunks, BM25 cut to 100": chunk_only(RetrievalSettings()),
        "now (+ best sentences, BM25 cut to 100)": HybridRetriever(index, embedder=None),
    }
    scanning = HybridRetriever(index, embedder=None, settings=RetrievalSettings(filtered_scan_limit=10**9))
    rng = np.random.default_rng(1)
    picked = rng.choice(len(articles), size=min(args.questions, len(articles)), replace=False)
    gazetteer = Gazetteer.from_articles(list(index.articles.values()))
    plans = [plan_query(articles[i].title, gazetteer) for i in picked]
    vectors = [v / np.linalg.norm(v) for v in rng.standard_normal((len(plans), 384)).astype(np.float32)]
    year = Counter(y for years in scanning.index.article_years.values() for y in years).most_common(1)[0][0]
    filtered = [replace(plan, years=(year,)) for plan in plans]
    allowed = int(scanning._allowed_chunks(filtered[0]).sum())
    filtered_name = f"now, filtered to {year} ({allowed} chunks scanned)"
    paths[filtered_name] = scanning

    medians: dict[str, list] = {name: [] for name in paths}
    for _ in range(args.rounds):
        for name, retriever in paths.items():
            times = []
            for plan, vector in zip(filtered if name == filtered_name else plans, vectors):
                t = time.perf_counter()
                retriever.retrieve(plan, vector)
                times.append((time.perf_counter() - t) * 1000)
            medians[name].append((statistics.median(times), float(np.percentile(times, 95))))
    print(f"| path | p50 ms | p95 ms |  ({args.rounds} rounds x {len(plans)} questions; medians over rounds)")
    print("|---|---|---|")
    summary = {}
    for name, rounds in medians.items():
        summary[name] = (statistics.median(r[0] for r in rounds), statistics.median(r[1] for r in rounds))
        print(f"| {name} | {summary[name][0]:.1f} | {summary[name][1]:.1f} |")
    before = summary["no cut (chunks, every BM25 match fused)"]
    for name, (p50, p95) in summary.items():
        print(f"{name}: {p50 / before[0]:.2f}x no-cut at p50, {p95 / before[1]:.2f}x at p95")


if __name__ == "__main__":
    main()
