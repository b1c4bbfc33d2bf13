"""Dense search at 1k-1M chunks: FAISS flat vs HNSW vs IVF-flat build time, disk, RSS, latency, recall@10.

Vectors are SYNTHETIC (384-d, unit length): a Gaussian fitted to the real e5 vectors of the indexes under
index/ (mean + top principal components + isotropic rest), sampled in clusters of 8 (chunks of one
article sit close together), so the anisotropy of e5 (all cosines ~0.7-0.9) is kept; queries are fresh
points from the same clusters. Such Gaussian data has a high intrinsic dimension, so approximate recall
here is pessimistic next to real topical news; --vectors runs the same on real vectors (.npy, unit rows);
--from-index DIR takes a built index's real e5 vectors (chunks and answer units) and grows them to each size
by convex mixtures of real neighbours (--grow mix, the default; queries are held-out real rows; see
real_growth.py for why) or by copies with small Gaussian noise (--grow noise --noise 0.01).
Latency is one query per call (as `rag ask` searches) with 1 and 2 threads. An HNSW build that passes
--build-budget seconds stops and its full time is extrapolated (marked so).
Usage: nice python -m eval.benchmarks.scaling [--sizes 1000,10000,100000,1000000] [--types flat,hnsw,ivf]
       [--queries 200] [--build-budget 600] [--vectors real.npy | --from-index DIR [--grow mix|noise]] [--json out.json]
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from eval.benchmarks import real_growth

ROOT = Path(__file__).resolve().parents[2]
DIM = 384
CLUSTER = 8


def rss_mb() -> dict[str, float]:
    """Resident memory split into anonymous (heap) and file-backed (mmap'ed index) MiB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("RssAnon:", "RssFile:")):
            out[line.split(":")[0][3:].lower()] = int(line.split()[1]) / 1024
    return out


def rss_delta(before: dict[str, float]) -> dict[str, float]:
    now = rss_mb()
    return {k: round(now[k] - before[k], 1) for k in now}


def real_vectors() -> np.ndarray:
    """The e5 vectors of every built index under index/ (chunks and answer units), to fit the generator."""
    import faiss

    parts = []
    for d in sorted((ROOT / "index").glob("*/")):
        if (d / "vectors.faiss").exists():
            idx = faiss.read_index(str(d / "vectors.faiss"))
            parts.append(idx.reconstruct_n(0, idx.ntotal))
        if (d / "units.npy").exists():
            parts.append(np.load(d / "units.npy"))
    return np.vstack(parts).astype(np.float32) if parts else np.zeros((0, DIM), np.float32)


class Generator:
    """Clustered samples of a Gaussian fitted to real vectors; isotropic if there are too few of them."""

    def __init__(self, real: np.ndarray, seed: int = 0, components: int = 64, spread: float = 0.5) -> None:
        self.rng = np.random.default_rng(seed)
        if len(real) > components * 2:
            self.mean = real.mean(0)
            _, s, vt = np.linalg.svd(real - self.mean, full_matrices=False)
            scale = s / np.sqrt(len(real) - 1)
            self.basis = vt[:components] * scale[:components, None]
            self.rest = float(np.sqrt((scale[components:] ** 2).sum() / (DIM - components)))
        else:
            self.mean, self.basis, self.rest = np.zeros(DIM, np.float32), np.zeros((1, DIM), np.float32), 1.0
        self.spread = spread  # share of variance inside a cluster

    def sample(self, n: int, centers: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """n unit vectors and the cluster centres used (pass them back to draw queries near the data)."""
        k = self.basis.shape[0]
        if centers is None:
            centers = self.rng.standard_normal((max(1, n // CLUSTER), k + DIM), dtype=np.float32)
        which = self.rng.integers(0, len(centers), n) if n < len(centers) * CLUSTER else np.arange(n) % len(centers)
        out = np.empty((n, DIM), np.float32)
        for a in range(0, n, 100_000):  # bounded temporaries at 1M
            b = min(n, a + 100_000)
            z = np.sqrt(1 - self.spread) * centers[which[a:b]] + np.sqrt(self.spread) * self.rng.standard_normal(
                (b - a, k + DIM), dtype=np.float32)
            x = self.mean + z[:, :k] @ self.basis + self.rest * z[:, k:]
            out[a:b] = x / np.linalg.norm(x, axis=1, keepdims=True)
        return out, centers


def index_vectors(folder: Path) -> np.ndarray:
    """The real e5 vectors of one built index: its chunks (vectors.faiss) and answer units (units.npy)."""
    import faiss

    idx = faiss.read_index(str(folder / "vectors.faiss"))
    return np.vstack([idx.reconstruct_n(0, idx.ntotal), np.load(folder / "units.npy").astype(np.float32)])


def repeated_with_noise(real: np.ndarray, n: int, noise: float, seed: int = 0) -> np.ndarray:
    """n unit vectors: the real rows shuffled, then repeated with Gaussian noise (std `noise` per
    coordinate, renormalised) once they run out. The first copy of each row is exact."""
    rng = np.random.default_rng(seed)
    real = real[rng.permutation(len(real))]
    out = np.empty((n, real.shape[1]), np.float32)
    for a in range(0, n, len(real)):
        b = min(n, a + len(real))
        x = real[: b - a] + (noise * rng.standard_normal((b - a, real.shape[1]), dtype=np.float32) if a else 0)
        out[a:b] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def build(kind: str, x: np.ndarray, budget: float) -> tuple[object, float, dict]:
    """Build one index; returns (index, seconds, notes). HNSW adds in slices so a long build can stop early."""
    import faiss

    notes: dict = {}
    start = time.perf_counter()
    if kind == "flat":
        index = faiss.IndexFlatIP(DIM)
        index.add(x)
    elif kind == "ivf":
        nlist = int(4 * np.sqrt(len(x)))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(DIM), DIM, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(x[np.random.default_rng(1).choice(len(x), min(len(x), 40 * nlist), replace=False)])
        index.add(x)
        notes["nlist"] = nlist
    else:
        index = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)  # as index.py: M=32, efConstruction 40
        step = 50_000
        for a in range(0, len(x), step):
            index.add(x[a : a + step])
            spent = time.perf_counter() - start
            if spent > budget and a + step < len(x):
                # HNSW insertion cost grows ~log n; a linear extrapolation of the rate so far is a lower bound
                done = a + step
                notes.update(stopped_at=done, extrapolated_build_s=round(spent * len(x) / done, 1))
                break
    return index, time.perf_counter() - start, notes


def recall_at_10(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact)]))


def latencies(index, queries: np.ndarray, threads: tuple[int, ...] = (1, 2)) -> dict:
    """p50/p95 of single-query searches per OpenMP thread count ('t2_p95_ms': 2 threads, 95th percentile)."""
    import faiss

    out = {}
    for t in threads:
        faiss.omp_set_num_threads(t)
        times = []
        for q in queries:
            start = time.perf_counter()
            index.search(q[None, :], 10)
            times.append(1000 * (time.perf_counter() - start))
        out[f"t{t}_p50_ms"] = round(float(np.percentile(times, 50)), 2)
        out[f"t{t}_p95_ms"] = round(float(np.percentile(times, 95)), 2)
    return out


def tune(kind: str, index, queries: np.ndarray, exact: np.ndarray) -> list[dict]:
    """Recall@10 and latency for each search-breadth setting (efSearch for HNSW, nprobe for IVF)."""
    import faiss

    if kind == "flat":
        return [{**latencies(index, queries), "recall@10": 1.0}]
    rows = []
    for value in (16, 32, 64, 128, 256, 512) if kind == "hnsw" else (8, 16, 32, 64, 128, 256):
        params = faiss.SearchParametersHNSW(efSearch=value) if kind == "hnsw" else faiss.SearchParametersIVF(nprobe=value)
        found = index.search(queries, 10, params=params)[1]
        if kind == "hnsw":
            index.hnsw.efSearch = value
        else:
            index.nprobe = value
        rows.append({"efSearch" if kind == "hnsw" else "nprobe": value, "recall@10": round(recall_at_10(found, exact), 4),
                     **latencies(index, queries)})
    return rows


def measure(path: Path, kind: str, mmap: bool) -> dict:
    """Load an index file (optionally memory-mapped) and time it; run in a fresh process."""
    import faiss

    data = np.load(path.parent / "q.npz")
    before = rss_mb()
    # IO_FLAG_MMAP maps only IVF inverted lists; flat and HNSW storage need IO_FLAG_MMAP_IFC (zero-copy codes)
    flag = (faiss.IO_FLAG_MMAP if kind == "ivf" else faiss.IO_FLAG_MMAP_IFC) if mmap else 0
    index = faiss.read_index(str(path), flag)
    out: dict = {"flag": {0: "0", faiss.IO_FLAG_MMAP: "IO_FLAG_MMAP"}.get(flag, "IO_FLAG_MMAP_IFC"),
                 "rss_mb_after_load": rss_delta(before)}
    if mmap:  # one setting is enough to see what paging costs
        if kind == "hnsw":
            index.hnsw.efSearch = 128
        elif kind == "ivf":
            index.nprobe = 128
        out.update(latencies(index, data["queries"]))
    else:
        out["settings"] = tune(kind, index, data["queries"], data["exact"])
    out["rss_mb_after_queries"] = rss_delta(before)
    return out


def measure_in_child(path: Path, kind: str, mmap: bool) -> dict:
    cmd = [sys.executable, "-m", "eval.benchmarks.scaling", "--measure", str(path), "--types", kind]
    out = subprocess.run(cmd + (["--mmap"] if mmap else []), capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_point(n: int, kinds: list[str], gen: Generator, nq: int, budget: float, mmap: bool,
              real: np.ndarray | None = None) -> list[dict]:
    import faiss

    if real is not None:  # real vectors: the last nq rows are the queries, the first n the database
        x, queries = real[:n], real[len(real) - nq :]
    else:
        x, centers = gen.sample(n)
        queries, _ = gen.sample(nq, centers)
    truth = faiss.IndexFlatIP(DIM)
    truth.add(x)
    exact_all = truth.search(queries, 10)[1]  # batched exact search: the ground truth for recall
    del truth
    results = []
    for kind in kinds:
        gc.collect()
        index, seconds, notes = build(kind, x, budget)
        rows = index.ntotal
        exact = exact_all
        if rows < n:  # an HNSW build stopped early: compare with exact search over the same rows
            truth = faiss.IndexFlatIP(DIM)
            truth.add(x[:rows])
            exact = truth.search(queries, 10)[1]
            del truth
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "v.faiss"
            faiss.write_index(index, str(path))
            del index
            np.savez(Path(tmp) / "q.npz", queries=queries, exact=exact)
            row = {"n": n, "type": kind, "indexed": rows, "build_s": round(seconds, 2), **notes,
                   "disk_mb": round(path.stat().st_size / 2**20, 1)}
            # a fresh process per measurement: RSS of this one stays high after freeing (malloc keeps pages)
            row.update(measure_in_child(path, kind, mmap=False))
            if mmap:
                row["mmap"] = measure_in_child(path, kind, mmap=True)
        print(json.dumps(row), flush=True)
        results.append(row)
    return results


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--types", default="flat,hnsw,ivf")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--build-budget", type=float, default=600.0, help="seconds before an HNSW build stops")
    ap.add_argument("--mmap-from", type=int, default=100_000, help="also time IO_FLAG_MMAP loads from this size")
    ap.add_argument("--vectors", type=Path, help="a .npy of real unit vectors to use instead of synthetic ones")
    ap.add_argument("--from-index", dest="from_index", type=Path,
                    help="use a built index's real vectors (chunks + units), repeated with --noise to each size")
    ap.add_argument("--grow", choices=("mix", "noise"), default="mix",
                    help="--from-index: reach each size by convex mixtures of real neighbours (mix) or noisy copies")
    ap.add_argument("--questions", type=Path, help="--grow mix: a question set (JSONL with \"question\") whose "
                    "e5 query vectors are the queries, instead of held-out real rows")
    ap.add_argument("--noise", type=float, default=0.01, help="std per coordinate of the copies' noise")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--mmap", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.types, args.mmap)))
        return []
    import faiss

    faiss.omp_set_num_threads(args.threads)
    real = real_vectors()
    gen = Generator(real)
    given = np.load(args.vectors).astype(np.float32) if args.vectors else None
    grown_stats: dict = {}
    if args.from_index:
        biggest = max(int(s) for s in args.sizes.split(","))
        if args.grow == "noise":
            # the queries are the last rows: copies with noise, never the exact vectors the database holds
            given = repeated_with_noise(index_vectors(args.from_index), biggest + args.queries, args.noise)
        else:  # convex mixtures of real neighbours; the queries are held-out real rows (real_growth.py)
            database, held_out = real_growth.split_real(index_vectors(args.from_index), args.queries)
            if args.questions:  # real questions, embedded as `rag ask` embeds them, instead of held-out rows
                held_out = real_growth.question_vectors(args.from_index, args.questions)
                args.queries = len(held_out)
            given = np.vstack([real_growth.grown(database, biggest), held_out])
            grown_stats = {"real_rows": len(database), "grow": "mix",
                           **real_growth.neighbour_cosines(given[:biggest], min(len(database), biggest))}
    # flat first when asked for; leaving it out skips only its latency (recall is always against exact search)
    kinds = [k for k in ("flat", "hnsw", "ivf") if k in args.types.split(",")]
    sample, _ = gen.sample(2000)
    sims = sample[:1000] @ sample[1000:].T
    stats = {"real_vectors": len(real), "synthetic_mean_cos": round(float(sims.mean()), 3),
             "synthetic_top1_cos": round(float(sims.max(1).mean()), 3)}
    if len(real) > 100:
        rs = real @ real.T
        np.fill_diagonal(rs, -1)
        stats.update(real_mean_cos=round(float(rs[rs > -1].mean()), 3), real_top1_cos=round(float(rs.max(1).mean()), 3))
    stats.update(grown_stats)
    print(json.dumps(stats), flush=True)
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        if given is not None and n + args.queries > len(given):
            raise SystemExit(f"--vectors holds {len(given)} rows: too few for {n} + {args.queries} queries")
        results += run_point(n, kinds, gen, args.queries, args.build_budget, n >= args.mmap_from, given)
    if args.json:
        args.json.write_text(json.dumps({"distribution": stats, "results": results}, indent=2))
    return results


if __name__ == "__main__":
    main()
