"""Index build throughput, cold start and query latency on a sample of real Vietnamese news (vietnews).

The sample (first --articles lines of vietnews-5000.jsonl.gz) is read at run time into a temporary folder;
nothing from it is written into the repository. Each build and each latency run happens in a fresh process
(peak RSS is that process's). Cold start = process start -> first answer printed by `rag ask`. The command
lines are printed. 'e5-small-torch' is registered in the child processes if embedding.py does not list it.
Usage: nice python -m eval.benchmarks.build [--articles 200] [--embedders e5-small,e5-small-torch]
       [--cold-runs 5] [--questions 40] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.ingest.jsonl import read_jsonl, write_jsonl
from eval.benchmarks.reporting import print_and_save

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "vietnews" / "vietnews-5000.jsonl.gz"  # --data overrides
# The `rag` console script with e5-small-torch registered first: what `rag ask` is once embedding.py lists it
RAG_WITH_TORCH = ("import rag.embed.registry as embedding; from eval.benchmarks.build import register_torch; register_torch(); "
                  "from rag.cli.main import main; raise SystemExit(main())")


def register_torch() -> None:
    import rag.embed.registry as embedding

    if "e5-small-torch" not in embedding._BACKENDS:
        from rag.embed.torch_e5 import TorchE5Embedder

        embedding._BACKENDS["e5-small-torch"] = lambda spec, arg: TorchE5Embedder(spec, precision=arg or "bf16")


def write_sample(source: Path, count: int, target: Path) -> list[dict]:
    rows = [{"id": record["id"].replace("/", "_"), "title": record.get("title", ""),
             "text": record.get("body") or record.get("text", "")}
            for record in read_jsonl(source, "VietNews")[:count]]
    write_jsonl(target, rows)
    return rows


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_build(spec: str, sample: Path, out: Path) -> dict:
    """Load, chunk, embed, index and save; the embedder's load time is reported apart."""
    register_torch()
    from rag.ingest.articles import load_articles
    from rag.embed.registry import make_embedder
    from rag.index.store import build_index, save_index

    start = time.perf_counter()
    embedder = make_embedder(spec)
    loaded = time.perf_counter()
    articles = load_articles(sample).articles
    index = build_index(articles, embedder, out)
    built = time.perf_counter()
    save_index(index, out)
    done = time.perf_counter()
    counts = index.manifest["counts"]
    build_s = done - loaded
    return {"embedder": spec, **counts, "embedder_load_s": round(loaded - start, 2), "build_s": round(build_s, 1),
            "save_s": round(done - built, 2), "chunks_per_s": round(counts["chunks"] / build_s, 2),
            "articles_per_s": round(counts["articles"] / build_s, 3),
            "texts_embedded_per_s": round((counts["chunks"] + counts["units"]) / build_s, 2),
            "peak_rss_mb": round(peak_rss_mb(), 1)}


def child_latency(index: Path, questions: list[str]) -> dict:
    """In-process answer() per question: retrieval (plan + query embedding + search) and whole answer, ms."""
    register_torch()
    from rag.config import Config
    from rag.pipeline import build_pipeline

    pipeline = build_pipeline(Config(index=index))
    pipeline.answer(questions[0])  # warm-up: first-call allocations
    retrieve, total = [], []
    for q in questions:
        timings = pipeline.answer(q).timings_ms
        retrieve.append(timings["plan"] + timings["retrieve"])
        total.append(timings["total"])

    def pct(v: list[float]) -> dict:
        return {"p50": round(float(np.percentile(v, 50)), 1), "p95": round(float(np.percentile(v, 95)), 1)}

    return {"questions": len(questions), "retrieve_ms": pct(retrieve), "answer_ms": pct(total),
            "peak_rss_mb": round(peak_rss_mb(), 1)}


def run_child(*args: str) -> dict:
    cmd = [sys.executable, "-m", "eval.benchmarks.build", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cold_start(cmd: list[str], runs: int) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return {"runs": runs, "median_s": round(statistics.median(times), 2), "all_s": [round(t, 2) for t in times]}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--embedders", default="e5-small,e5-small-torch")
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        result = (child_build(rest[0], Path(rest[1]), Path(rest[2])) if kind == "build"
                  else child_latency(Path(rest[0]), json.loads(Path(rest[1]).read_text(encoding="utf-8"))))
        print(json.dumps(result))
        return result
    report: dict = {"data": str(args.data), "articles": args.articles, "builds": [], "cold_start": {}, "latency": {}}
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        sample = Path(tmp) / "vietnews-sample.jsonl"
        rows = write_sample(args.data, args.articles, sample)
        questions = Path(tmp) / "questions.json"
        # article titles as questions: retrieval cost barely depends on wording, and they have answers
        questions.write_text(json.dumps([r["title"] for r in rows[: args.questions] if r["title"]], ensure_ascii=False))
        first = json.loads(questions.read_text(encoding="utf-8"))[0]
        for spec in [s for s in args.embedders.split(",") if s]:
            out = Path(tmp) / f"index-{spec}"
            print("$ python -m eval.benchmarks.build --child build", spec, sample, out, flush=True)
            report["builds"].append(run_child("--child", "build", spec, str(sample), str(out)))
            print(json.dumps(report["builds"][-1]), flush=True)
            ask = ["ask", first, "--json", "--index", str(out)]
            cmd = ([str(Path(sys.executable).parent / "rag"), *ask] if spec == "e5-small"
                   else [sys.executable, "-c", RAG_WITH_TORCH, *ask])
            print("$", shlex.join(cmd), flush=True)
            report["cold_start"][spec] = {"command": shlex.join(cmd), **cold_start(cmd, args.cold_runs)}
            print(json.dumps(report["cold_start"][spec]), flush=True)
            print("$ python -m eval.benchmarks.build --child latency", out, questions, flush=True)
            report["latency"][spec] = run_child("--child", "latency", str(out), str(questions))
            print(json.dumps(report["latency"][spec]), flush=True)
    return print_and_save(report, args.json)


if __name__ == "__main__":
    main()
