"""Concurrent chat requests against a running `rag serve` on this machine; prints median and p95 latency.

    rag serve --port 7860 &
    python -m ui.loadcheck --url http://127.0.0.1:7860/ --requests 20

Each request is one full chat turn through the app's public `/chat` endpoint (gradio_client), all sent
at once from separate threads. Bounded: at most 200 requests, each with a timeout, and only loopback
addresses are accepted (this is a check of our own server, not a load tool).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import socket
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from urllib.parse import urlparse

MAX_REQUESTS = 200
QUESTIONS = [
    "What did Tháp Mười report in 2021?",
    "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?",
    "Ai là Bí thư Huyện ủy Tháp Mười?",
    "How many party members did Mỹ Lộc discipline in 2021?",
]


def require_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        raise SystemExit(f"error: cannot resolve {host!r}: {exc}") from exc
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(f"error: {url} is not a loopback address; this check only targets a server on this machine")


def wait_for(url: str, seconds: float) -> None:
    """Poll the server's page until it answers (it loads models and warms up before listening)."""
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError as exc:
            if time.monotonic() > deadline:
                raise SystemExit(f"error: no server answered at {url} within {seconds:.0f} s ({exc}); start rag serve first")
            time.sleep(0.5)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def run(url: str, requests: int, concurrency: int, timeout: float, auth: tuple[str, str] | None) -> dict:
    from gradio_client import Client

    local = threading.local()

    def client() -> Client:
        if not hasattr(local, "client"):
            local.client = Client(url, auth=auth, verbose=False)
        return local.client

    def one(i: int) -> tuple[float, str | None]:
        question = QUESTIONS[i % len(QUESTIONS)]
        try:
            started = time.perf_counter()
            job = client().submit(question, "", None, None, 10, "extractive", "vi", api_name="/chat")
            chat, _sources, _box = job.result(timeout=timeout)
            elapsed = time.perf_counter() - started
            text = json.dumps(chat, ensure_ascii=False)
            if "answer error" in text:
                return elapsed, f"request {i}: the app answered with an error message"
            if '"assistant"' not in text:
                return elapsed, f"request {i}: no answer in the reply"
            return elapsed, None
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            return float("nan"), f"request {i}: {type(exc).__name__}: {exc}"

    # Connect every client and send it one untimed turn first (gradio_client sets up its stream on the
    # first call): the timed part is then the chat turns themselves, all in flight at once.
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        warm = list(pool.map(lambda i: one(i)[1], range(concurrency)))
        if any(warm):
            return {"requests": requests, "concurrency": concurrency, "ok": 0, "errors": [w for w in warm if w],
                    "median_s": None, "p95_s": None, "max_s": None, "wall_s": 0.0}
        wall = time.perf_counter()
        results = [f.result() for f in as_completed([pool.submit(one, i) for i in range(requests)])]
        wall = time.perf_counter() - wall
    latencies = [r[0] for r in results if r[1] is None]
    errors = [r[1] for r in results if r[1] is not None]
    return {
        "requests": requests, "concurrency": concurrency, "ok": len(latencies), "errors": errors,
        "median_s": round(statistics.median(latencies), 3) if latencies else None,
        "p95_s": round(percentile(latencies, 95), 3) if latencies else None,
        "max_s": round(max(latencies), 3) if latencies else None,
        "wall_s": round(wall, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.loadcheck", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/", help="a running rag serve (loopback only)")
    parser.add_argument("--requests", type=int, default=20, help=f"chat turns to send (max {MAX_REQUESTS})")
    parser.add_argument("--concurrency", type=int, default=None, help="in flight at once (default: all)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per request")
    parser.add_argument("--auth", help="user:password if the server requires a login")
    parser.add_argument("--wait", type=float, default=90.0, help="seconds to wait for the server to come up")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be between 1 and {MAX_REQUESTS}")
    require_loopback(args.url)
    wait_for(args.url, args.wait)
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    result = run(args.url, args.requests, min(args.concurrency or args.requests, args.requests), args.timeout, auth)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"{result['ok']}/{result['requests']} chat requests completed ({result['concurrency']} at once) "
              f"in {result['wall_s']} s: median {result['median_s']} s, p95 {result['p95_s']} s, "
              f"max {result['max_s']} s")
        counts: dict[str, int] = {}
        for error in result["errors"]:
            reason = error.split(": ", 1)[-1]
            counts[reason] = counts.get(reason, 0) + 1
        for reason, n in counts.items():
            print(f"  {n} x {reason}")
    return 0 if not result["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
