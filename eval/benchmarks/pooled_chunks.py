"""Pooled chunk vectors on VietNews, without XQuAD: tokens a build embeds and how near pooled chunk vectors
are to whole-chunk vectors (the development criterion of rag/embed/pooled.py).

--tokens N: over the first N VietNews articles, XLM-R tokens (with <s>, </s> and 'passage:') of the chunk
pass, the unit pass, the distinct units and the headers; padded tokens of the length-sorted batches
(TOKEN_BUDGET per batch, as TorchE5Embedder.run_states forms them).
--cosine N: over the first N articles, cosine of each chunk's pooled vector (both ways of counting special
tokens, 'each' and 'once') to its whole-chunk vector from e5-small-torch.
The VietNews file is read at run time (--data); nothing from it is written.
Usage: nice python -m eval.benchmarks.pooled_chunks [--tokens 200] [--cosine 60] [--json out.json]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from eval.benchmarks.archive import DATA
from eval.benchmarks.build import write_sample
from eval.benchmarks.reporting import print_and_save


def chunks_of(data: Path, count: int):
    from rag.ingest.articles import load_articles
    from rag.ingest.chunking import ChunkSettings, chunk_article

    with tempfile.TemporaryDirectory(prefix="rag-pooled-") as tmp:
        write_sample(data, count, Path(tmp) / "vietnews.jsonl")
        articles = load_articles(Path(tmp)).articles
    return [c for a in articles for c in chunk_article(a, ChunkSettings())]


def padded(lengths: list[int], budget: int) -> int:
    lengths, total, i = sorted(lengths, reverse=True), 0, 0
    while i < len(lengths):
        n = min(max(1, budget // lengths[i]), len(lengths) - i)
        total, i = total + n * lengths[i], i + n
    return total


def tokens(data: Path, count: int) -> dict:
    from rag.embed.torch_e5 import TOKEN_BUDGET, ModelFile, Tokenizer, default_model_path
    from rag.index.store import index_units
    from rag.ingest.chunking import embedding_text

    tokenizer = Tokenizer(ModelFile(default_model_path()))
    chunks = chunks_of(data, count)
    units = [u for _, u in index_units(chunks)]  # as build_index lists them: once per article
    heads = list(dict.fromkeys(c.header() for c in chunks))
    lengths = {name: [len(tokenizer.encode("passage: " + t)) + 2 for t in texts] for name, texts in (
        ("chunks", [embedding_text(c) for c in chunks]), ("units", units),
        ("distinct_units", list(dict.fromkeys(units))), ("headers", heads))}
    out = {"articles": count, "chunks": len(chunks), "units": len(units), "distinct_units": len(set(units)),
           **{f"{k}_tokens": sum(v) for k, v in lengths.items()}}
    out["separate_tokens"] = out["chunks_tokens"] + out["units_tokens"]
    out["pooled_tokens"] = out["distinct_units_tokens"] + out["headers_tokens"]
    out["ratio"] = round(out["separate_tokens"] / out["pooled_tokens"], 3)
    out["padded"] = {"chunks": padded(lengths["chunks"], TOKEN_BUDGET), "units": padded(lengths["units"], TOKEN_BUDGET),
                     "pooled": padded(lengths["distinct_units"] + lengths["headers"], TOKEN_BUDGET)}
    return out


def cosine(data: Path, count: int) -> dict:
    from rag.embed.pooled import embed_pooled
    from rag.embed.registry import make_embedder
    from rag.ingest.chunking import answer_units, embedding_text

    chunks = chunks_of(data, count)
    with tempfile.TemporaryDirectory(prefix="rag-pooled-w-") as tmp:
        embedder = make_embedder("e5-small-torch", cache_dir=Path(tmp))
        whole = embedder.embed_passages([embedding_text(c) for c in chunks])
        out = {"articles": count, "chunks": len(chunks)}
        for specials in ("each", "once"):
            pooled, _ = embed_pooled(embedder, [[c.header(), *answer_units(c)] for c in chunks], [], specials=specials)
            cos = (pooled * whole).sum(1)
            out[specials] = {"mean": round(float(cos.mean()), 4), "median": round(float(np.median(cos)), 4),
                             "min": round(float(cos.min()), 4)}
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--tokens", type=int, default=200)
    ap.add_argument("--cosine", type=int, default=60)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    report = {}
    if args.tokens:
        report["tokens"] = tokens(args.data, args.tokens)
    if args.cosine:
        report["cosine"] = cosine(args.data, args.cosine)
    return print_and_save(report, args.json)


if __name__ == "__main__":
    main()
