"""Which tokens make the better BM25: folded or accented syllables, with or without word segmentation.

Two corpora, BM25 (bm25s) over each document, the same tokens for documents and queries:
- XQuAD vi: 240 Wikipedia paragraphs, 1,190 Vietnamese questions (paragraph-level hit@1 and MRR@10);
- VietNews: the first N articles of ../shared/data/vietnews (read at run time, never copied), each
  article's title as the query for its body (hit@1). A news corpus we never tuned anything on.

A last XQuAD table types the questions without diacritics: the previous index (folded + pyvi) searched
with them as typed, against the accented index searched with them restored by `diacritics.AccentRestorer`
(built from the paragraphs, as the retriever builds it from the corpus).

Usage: python -m eval.benchmarks.segmenters [--xquad PATH] [--vietnews PATH] [--vietnews-articles 2000]
(underthesea rows appear only when underthesea is installed.)
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from rag.ingest.jsonl import read_jsonl
from rag.text.vietnamese import _fold_word, fold, folded_syllables, normalize, syllables


def _compounds(text: str, segmenter: str) -> list[str]:
    if segmenter == "pyvi":
        from pyvi import ViTokenizer

        words = ViTokenizer.tokenize(normalize(text)).split()
    else:
        from underthesea import word_tokenize

        words = [w.replace(" ", "_") for w in word_tokenize(normalize(text))]
    return [w.lower() for w in words if "_" in w]


def tokens(text: str, accents: bool, segmenter: str) -> list[str]:
    base = syllables(text) if accents else folded_syllables(normalize(text))
    if segmenter == "none":
        return base
    compounds = _compounds(text, segmenter)
    return base + (compounds if accents else [_fold_word(w) for w in compounds])


def rank(documents: list[list[str]], queries: list[list[str]]) -> list[np.ndarray]:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(documents, show_progress=False)
    orders = []
    for query in queries:
        known = [t for t in query if t in retriever.vocab_dict]
        scores = retriever.get_scores(known) if known else np.zeros(len(documents))
        orders.append(np.argsort(-scores, kind="stable")[:10])
    return orders


def evaluate(documents: list[str], queries: list[tuple[str, int]], accents: bool, segmenter: str) -> dict:
    started = time.perf_counter()
    corpus = [tokens(d, accents, segmenter) for d in documents]
    # Every query token is kept, as HybridRetriever does: IDF already discounts question words.
    query_tokens = [tokens(q, accents, segmenter) for q, _ in queries]
    return score(corpus, query_tokens, queries, time.perf_counter() - started)


def score(corpus: list[list[str]], query_tokens: list[list[str]], queries: list[tuple[str, int]],
          tokenising: float) -> dict:
    hits1, reciprocal = [], []
    for order, (_, gold) in zip(rank(corpus, query_tokens), queries):
        hits1.append(order[0] == gold)
        position = next((i + 1 for i, r in enumerate(order) if r == gold), None)
        reciprocal.append(1 / position if position else 0.0)
    return {"hit@1": float(np.mean(hits1)), "mrr@10": float(np.mean(reciprocal)), "tokenise_s": tokenising}


def unaccented_questions(documents: list[str], queries: list[tuple[str, int]]) -> None:
    from rag.text.accents import AccentRestorer

    restorer = AccentRestorer.from_texts(documents)
    typed = [(fold(q), gold) for q, gold in queries]
    print("\nXQuAD vi, questions typed without diacritics")
    print("| index, query | hit@1 | MRR@10 |\n|---|---|---|")
    rows = [
        ("folded + pyvi, as typed", [tokens(d, False, "pyvi") for d in documents],
         [tokens(q, False, "pyvi") for q, _ in typed]),
        ("accented, restored (now)", [tokens(d, True, "none") for d in documents],
         [tokens(restorer.restore(q), True, "none") for q, _ in typed]),
    ]
    for label, corpus, query_tokens in rows:
        r = score(corpus, query_tokens, typed, 0.0)
        print(f"| {label} | {r['hit@1']:.3f} | {r['mrr@10']:.3f} |")


def xquad(path: Path) -> tuple[list[str], list[tuple[str, int]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    paragraphs, questions = [], []
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            questions += [(qa["question"], len(paragraphs)) for qa in paragraph["qas"]]
            paragraphs.append(paragraph["context"])
    return paragraphs, questions


def vietnews(path: Path, n: int) -> tuple[list[str], list[tuple[str, int]]]:
    rows = read_jsonl(path, "VietNews")[:n]
    return [r["body"] for r in rows], [(r["title"], i) for i, r in enumerate(rows)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xquad", type=Path, default=Path("../shared/data/xquad/xquad.vi.json"))
    parser.add_argument("--vietnews", type=Path, default=Path("../shared/data/vietnews/vietnews-5000.jsonl.gz"))
    parser.add_argument("--vietnews-articles", type=int, default=2000)
    args = parser.parse_args()
    if args.vietnews_articles < 1:
        parser.error("--vietnews-articles must be at least 1")
    try:
        import underthesea  # noqa: F401

        segmenters = ("none", "pyvi", "underthesea")
    except ImportError:
        segmenters = ("none", "pyvi")
    corpora = [("XQuAD vi (question -> paragraph)", xquad(args.xquad))]
    unaccented_questions(*corpora[0][1])
    if args.vietnews.exists():
        corpora.append((f"VietNews {args.vietnews_articles} (title -> article)",
                        vietnews(args.vietnews, args.vietnews_articles)))
    for name, (documents, queries) in corpora:
        print(f"\n{name}: {len(documents)} documents, {len(queries)} queries; BM25 (bm25s)")
        print("| tokens | hit@1 | MRR@10 | tokenising time (s) |\n|---|---|---|---|")
        for accents in (False, True):
            for segmenter in segmenters:
                r = evaluate(documents, queries, accents, segmenter)
                label = ("accented" if accents else "folded") + " syllables" + (
                    "" if segmenter == "none" else f" + {segmenter} compounds")
                print(f"| {label} | {r['hit@1']:.3f} | {r['mrr@10']:.3f} | {r['tokenise_s']:.1f} |")


if __name__ == "__main__":
    main()
