"""Which Vietnamese word segmenter makes the better BM25: none, pyvi or underthesea.

Runs BM25 (bm25s) over XQuAD's 240 Vietnamese paragraphs with Vietnamese questions (paragraph-level
hit@1 and MRR@10), tokenising paragraphs and questions the same way. Prints a table and the time each
segmenter took. Usage: python -m rag.benchmarks.segmenters [--xquad ../shared/data/xquad/xquad.vi.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from rag.vietnamese import QUESTION_WORDS_FOLDED, _fold_word, folded_syllables, normalize


def _segmented(text: str, segmenter: str) -> list[str]:
    if segmenter == "pyvi":
        from pyvi import ViTokenizer

        words = ViTokenizer.tokenize(normalize(text)).split()
    else:
        from underthesea import word_tokenize

        words = [w.replace(" ", "_") for w in word_tokenize(normalize(text))]
    return [_fold_word(w.lower()) for w in words if "_" in w]


def tokens(text: str, segmenter: str) -> list[str]:
    base = folded_syllables(normalize(text))
    return base + (_segmented(text, segmenter) if segmenter != "none" else [])


def evaluate(paragraphs: list[str], questions: list[tuple[str, int]], segmenter: str) -> dict:
    import bm25s

    started = time.perf_counter()
    corpus = [tokens(p, segmenter) for p in paragraphs]
    query_tokens = [[t for t in tokens(q, segmenter) if t not in QUESTION_WORDS_FOLDED] for q, _ in questions]
    seconds = time.perf_counter() - started
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    hits1, rr = [], []
    for toks, (_, gold) in zip(query_tokens, questions):
        known = [t for t in toks if t in retriever.vocab_dict]
        scores = retriever.get_scores(known) if known else np.zeros(len(paragraphs))
        order = np.argsort(-scores)[:10]
        hits1.append(order[0] == gold)
        rank = next((i + 1 for i, r in enumerate(order) if r == gold), None)
        rr.append(1 / rank if rank else 0.0)
    return {"segmenter": segmenter, "hit@1": float(np.mean(hits1)), "mrr@10": float(np.mean(rr)),
            "tokenize_s": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xquad", default="../shared/data/xquad/xquad.vi.json")
    args = parser.parse_args()
    data = json.loads(Path(args.xquad).read_text(encoding="utf-8"))
    paragraphs, questions = [], []
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                questions.append((qa["question"], len(paragraphs)))
            paragraphs.append(paragraph["context"])
    print(f"XQuAD vi: {len(paragraphs)} paragraphs, {len(questions)} questions; BM25 (bm25s), paragraph level")
    print("| tokens | hit@1 | MRR@10 | tokenising time (s) |\n|---|---|---|---|")
    for segmenter in ("none", "pyvi", "underthesea"):
        r = evaluate(paragraphs, questions, segmenter)
        label = "folded syllables" + ("" if segmenter == "none" else f" + {segmenter} compounds")
        print(f"| {label} | {r['hit@1']:.3f} | {r['mrr@10']:.3f} | {r['tokenize_s']} |")


if __name__ == "__main__":
    main()
