"""What a `rag ask` cold start spends, stage by stage, on an index: CPU seconds of each step `build_pipeline`
and the first answer take, in a fresh process (run it from another tree, e.g. main, to get that code's
figures on the same index: it only calls functions both have).

--make N OUT first writes a test index of N real VietNews articles (read at run time from --data) plus
seeds/, chunked and BM25-indexed exactly as `rag index build` does, with random unit vectors in place of e5
(cost only: no model runs, so it builds in minutes; the manifest says e5-small-torch so `rag ask` embeds
questions as usual). Load grows with the corpus, not with the vectors' values.
--ask TREE=INDEX [TREE=INDEX ...] times the whole command instead: `python -m rag.cli ask Q --json --index
INDEX` run from each TREE (a checkout: this branch, a copy of main) in fresh processes, the trees alternated
round by round; it prints each tree's median wall and CPU seconds, peak RSS and the load average, and whether
the answers' JSON (apart from `timings_ms`) is the same in every run.
Usage: python -m eval.benchmarks.cold_start [--make 5000 OUT] --index DIR [--question Q] [--rounds 3]
       python -m eval.benchmarks.cold_start --ask /tmp/main=ARCHIVE .=ARCHIVE_RESAVED --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "vietnews" / "vietnews-5000.jsonl.gz"
QUESTION = "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?"


class RandomVectors:
    """Stands in for e5 when only the cost of loading an index of this size is measured."""

    spec, dim = "e5-small-torch", 384

    def __init__(self) -> None:
        self.rng = np.random.default_rng(0)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        v = self.rng.standard_normal((len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]


def make_index(n: int, out: Path, data: Path) -> dict:
    from eval.benchmarks.build import write_sample
    from rag.index.store import build_index, save_index
    from rag.ingest.articles import load_articles

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp)
        for seed in (ROOT / "seeds").glob("*.txt"):
            shutil.copy(seed, source / seed.name)
        write_sample(data, n, source / "vietnews.jsonl")
        index = build_index(load_articles(source).articles, RandomVectors(), out)
    save_index(index, out)
    return index.manifest["counts"]


def stages(index_dir: Path, question: str) -> dict:
    """CPU seconds per stage of what `rag ask` does, in this process (call in a fresh one)."""
    clock = time.process_time
    marks = [("start", clock())]

    def mark(name: str) -> None:
        marks.append((name, clock()))

    from rag.config import Config
    from rag.pipeline import make_generator
    from rag.embed.registry import make_embedder, query_embedder_for
    from rag.index.store import load_index, read_manifest
    from rag.retrieve.hybrid import HybridRetriever, RetrievalSettings
    from rag.retrieve.planning import QueryPlanner
    from rag.cite.checker import make_pipeline_checker
    from rag.pipeline import RagPipeline
    mark("imports")
    spec = query_embedder_for(read_manifest(index_dir)["embedder"]["spec"])
    index = load_index(index_dir, embedder_spec=spec)
    mark("load_index")
    embedder = make_embedder(spec)
    mark("embedder")
    # as build_pipeline makes it: `QueryPlanner.of` where the tree has it (saved places and accent vocabulary)
    of = getattr(QueryPlanner, "of", None)
    planner = of(index) if of else QueryPlanner.from_articles(index.articles.values())
    mark("planner")
    retriever = HybridRetriever(index, embedder, RetrievalSettings())
    mark("retriever")
    config = Config(index=index_dir)
    generator = make_generator("extractive", config, index)
    mark("generator")
    checker = make_pipeline_checker(embedder, chunks=index.chunk_by_id)
    mark("checker")
    pipeline = RagPipeline(config=config, index=index, embedder=embedder, planner=planner, retriever=retriever,
                           generator=generator, checker=checker)
    pipeline.answer(question)
    mark("first answer")
    out = {name: round(t - marks[i][1], 3) for i, (name, t) in enumerate(marks[1:])}
    out["total"] = round(marks[-1][1] - marks[0][1], 3)
    return out


def ask_once(tree: Path, index: Path, question: str) -> dict:
    """Wall and CPU seconds, peak RSS and the answer (without `timings_ms`) of one `rag ask --json` from `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "rag.cli", "ask", question, "--json", "--index", str(index)],
                                 cwd=tree, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own CPU time and peak RSS
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        if child.returncode:
            raise SystemExit(f"{tree}: rag ask failed: {err.read().decode()[-500:]}")
        answer = json.loads(out.read())
    answer.pop("timings_ms", None)
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "answer": answer}


def compare_asks(pairs: list[str], question: str, rounds: int) -> dict:
    trees = [(Path(t).resolve(), Path(i).resolve()) for t, _, i in (p.partition("=") for p in pairs)]
    runs: dict[str, list[dict]] = {f"{t}={i}": [] for t, i in trees}
    load = [os.getloadavg()[0]]
    for _ in range(rounds):
        for tree, index in trees:
            runs[f"{tree}={index}"].append(ask_once(tree, index, question))
        load.append(os.getloadavg()[0])
    answers = {json.dumps(r["answer"], sort_keys=True, ensure_ascii=False) for rs in runs.values() for r in rs}
    report = {"question": question, "rounds": rounds, "load_average_1min": [round(x, 2) for x in load],
              "same_answer_everywhere": len(answers) == 1, "trees": {}}
    for name, rs in runs.items():
        report["trees"][name] = {
            **{key: [round(r[key], 2) for r in rs] for key in ("wall_s", "cpu_s")},
            **{f"{key}_median": round(statistics.median(r[key] for r in rs), 2) for key in ("wall_s", "cpu_s", "rss_mb")}}
    return report


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--make", nargs=2, metavar=("N", "OUT"), help="first write a random-vector test index")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--index", type=Path)
    ap.add_argument("--question", default=QUESTION)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--ask", nargs="+", metavar="TREE=INDEX", help="time whole `rag ask` commands (see above)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.ask:
        report = compare_asks(args.ask, args.question, args.rounds)
        print(json.dumps(report, ensure_ascii=False))
        return report
    if args.child:
        print(json.dumps(stages(args.index, args.question)))
        return {}
    report: dict = {}
    if args.make:
        report["made"] = make_index(int(args.make[0]), Path(args.make[1]), args.data)
        args.index = args.index or Path(args.make[1])
    runs = []
    for _ in range(args.rounds):
        cmd = [sys.executable, __file__, "--child", "--index", str(args.index),
               "--question", args.question]
        runs.append(json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()[-1]))
    report["cpu_s_median"] = {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}
    report["runs"] = runs
    print(json.dumps(report, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
