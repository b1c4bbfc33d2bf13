"""Bounded load test of `rag serve` on this machine: concurrent chat sessions for a while, then a report of
throughput, p50/p95 latency, errors and the server's memory (RSS) over time.

    rag serve --index index/default --port 7860 &
    python -m eval.benchmarks.load --url http://127.0.0.1:7860/ --concurrency 8 --duration 180 --requests 1000

or let it start (and stop) the server itself on a free loopback port:

    python -m eval.benchmarks.load --serve --index index/default --concurrency 8 --duration 180 --requests 1000

Each virtual user runs chat sessions of a few turns (follow-ups included) through the app's public
`chat` endpoint over plain HTTP (Gradio's /gradio_api/call API, one session hash per session so the
conversation state is the server's). It stops by itself at --duration seconds or --requests requests,
whichever comes first; every request has a timeout; only loopback addresses (127.0.0.0/8, ::1) are
accepted. Memory is read from /proc/<pid>/status (VmRSS) of the server process, found by --pid, by
--serve, or by the process listening on the URL's port.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

MAX_DURATION_S = 1800.0
MAX_REQUESTS = 20_000
MAX_CONCURRENCY = 64
SESSIONS = [  # each a conversation: later turns are follow-ups that lean on the earlier ones
    ["Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?", "Còn Tháp Mười thì sao?",
     "Ai là Bí thư Huyện ủy Tháp Mười?"],
    ["What did Tháp Mười report in 2021?", "How many party members did Mỹ Lộc discipline in 2021?"],
    ["Huyện Cao Lãnh có bao nhiêu ha xoài?", "Năm 2024 thì sao?"],
    ["Huyện ủy Mỹ Lộc đã kỷ luật bao nhiêu đảng viên năm 2021?", "Còn kết nạp thì sao?"],
    ["Thời tiết Hà Nội hôm nay thế nào?"],  # not in the corpus: the answer declines
]


# ---------------------------------------------------------------- guards


def require_loopback(url: str) -> str:
    """The URL's host, when every address it resolves to is a loopback address; SystemExit otherwise."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise SystemExit(f"error: {url!r} is not an http(s) URL")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parsed.hostname, parsed.port or 80)}
    except socket.gaierror as exc:
        raise SystemExit(f"error: cannot resolve {parsed.hostname!r}: {exc}") from exc
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(f"error: {url} resolves to {', '.join(sorted(addresses))}; this load test only targets a "
                         "server on this machine (127.0.0.0/8 or ::1)")
    return parsed.hostname


def bounded(value: float, limit: float, name: str) -> float:
    if not 0 < value <= limit:
        raise SystemExit(f"error: --{name} must be between 1 and {limit:g}, got {value:g}")
    return value


# ---------------------------------------------------------------- server memory


def rss_kb(pid: int) -> int | None:
    """Resident memory of a process in KiB (VmRSS), None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def pid_listening_on(port: int) -> int | None:
    """The pid of the process with a listening TCP socket on `port` (via /proc/net/tcp and /proc/*/fd)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 9 and parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    if not inodes:
        return None
    targets = {f"socket:[{inode}]" for inode in inodes}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in targets:
                    return int(entry.name)
        except OSError:
            continue
    return None


@dataclass
class Sample:
    t_s: float
    requests: int
    rss_mb: float


class MemoryWatch:
    """Samples a pid's RSS every `every` seconds in a thread until stopped."""

    def __init__(self, pid: int | None, every: float, progress) -> None:
        self.pid, self.every, self.progress = pid, every, progress
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.monotonic()

    def sample(self) -> None:
        value = rss_kb(self.pid) if self.pid else None
        if value is not None:
            self.samples.append(Sample(round(time.monotonic() - self._started, 1), self.progress(),
                                       round(value / 1024, 1)))

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def __enter__(self) -> "MemoryWatch":
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


# ---------------------------------------------------------------- one chat turn over HTTP


class ChatClient:
    """POST /gradio_api/call/chat, then read the event stream until the answer is complete."""

    def __init__(self, url: str, timeout: float, generator: str = "extractive", lang: str = "vi") -> None:
        self.base = url.rstrip("/") + "/gradio_api/call/chat"
        self.timeout, self.generator, self.lang = timeout, generator, lang
        # Loopback only: never let an environment proxy carry the traffic elsewhere.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def turn(self, question: str, session: str) -> str | None:
        """None when the app answered; otherwise what went wrong."""
        body = json.dumps({"data": [question, "", None, None, 10, self.generator, self.lang],
                           "session_hash": session}).encode()
        request = urllib.request.Request(self.base, data=body, headers={"Content-Type": "application/json"})
        with self._opener.open(request, timeout=self.timeout) as response:
            event_id = json.loads(response.read())["event_id"]
        deadline = time.monotonic() + self.timeout
        with self._opener.open(f"{self.base}/{event_id}", timeout=self.timeout) as stream:
            event = None
            for raw in stream:
                line = raw.decode("utf-8", errors="replace").rstrip("\n")
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    data = line.split(":", 1)[1].strip()
                    if event == "error":
                        return f"server error event: {data[:120]}"
                    if 'class=\\"answer error' in data or 'class="answer error' in data:
                        return "the app showed an error message"
                    if "answer" not in data:
                        return "no answer in the reply"
                    return None
                if time.monotonic() > deadline:
                    return f"no answer within {self.timeout:g} s"
        return "the event stream ended without an answer"


# ---------------------------------------------------------------- the run


@dataclass
class Result:
    url: str
    pid: int | None
    concurrency: int
    limit_requests: int
    limit_duration_s: float
    requests: int = 0
    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    wall_s: float = 0.0
    throughput_rps: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)
    rss: dict[str, float | None] = field(default_factory=dict)
    rss_over_time: list[dict] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def run(url: str, *, concurrency: int, duration: float, requests: int, timeout: float, pid: int | None,
        sample_every: float, warmup: int, generator: str = "extractive") -> Result:
    client = ChatClient(url, timeout, generator)
    lock = threading.Lock()
    issued = [0]
    latencies: list[float] = []
    errors: dict[str, int] = {}
    started = time.monotonic()
    stop_at = started + duration

    def take() -> bool:
        with lock:
            if issued[0] >= requests or time.monotonic() >= stop_at:
                return False
            issued[0] += 1
            return True

    def user(number: int) -> None:
        session_number = number
        while True:
            conversation = SESSIONS[session_number % len(SESSIONS)]
            session_number += concurrency
            session = uuid.uuid4().hex[:12]
            for question in conversation:
                if not take():
                    return
                began = time.perf_counter()
                try:
                    problem = client.turn(question, session)
                except (OSError, ValueError, KeyError) as exc:  # refused, reset, timeout, bad JSON
                    problem = f"{type(exc).__name__}: {str(exc)[:100]}"
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    if problem is None:
                        latencies.append(elapsed)
                    else:
                        errors[problem] = errors.get(problem, 0) + 1

    def done() -> int:
        with lock:
            return len(latencies) + sum(errors.values())

    with MemoryWatch(pid, sample_every, done) as watch:
        threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(duration + timeout + 30)
    wall = time.monotonic() - started
    result = Result(url=url, pid=pid, concurrency=concurrency, limit_requests=requests, limit_duration_s=duration,
                    requests=done(), ok=len(latencies), errors=errors, wall_s=round(wall, 1),
                    throughput_rps=round(len(latencies) / wall, 2) if wall else 0.0)
    if latencies:
        result.latency_ms = {"p50": round(statistics.median(latencies)), "p95": round(percentile(latencies, 95)),
                             "p99": round(percentile(latencies, 99)), "max": round(max(latencies)),
                             "mean": round(statistics.fmean(latencies))}
    samples = watch.samples
    if samples:
        after_warmup = next((s for s in samples if s.requests >= warmup), samples[0])
        last = samples[-1]
        growth = (last.rss_mb - after_warmup.rss_mb) / after_warmup.rss_mb * 100 if after_warmup.rss_mb else None
        result.rss = {"start_mb": samples[0].rss_mb, "after_warmup_mb": after_warmup.rss_mb,
                      "warmup_requests": after_warmup.requests, "end_mb": last.rss_mb,
                      "max_mb": max(s.rss_mb for s in samples),
                      "growth_after_warmup_pct": None if growth is None else round(growth, 1)}
        picked = samples[:: max(1, len(samples) // 12)]
        if picked[-1] is not last:
            picked.append(last)
        result.rss_over_time = [asdict(s) for s in picked]
    return result


def report(result: Result) -> str:
    lines = [f"load test of {result.url} (server pid {result.pid or 'unknown'}): {result.concurrency} concurrent "
             f"chat users, stopped at {result.limit_requests} requests or {result.limit_duration_s:g} s",
             f"requests {result.requests}, answered {result.ok}, errors {sum(result.errors.values())} in "
             f"{result.wall_s} s: {result.throughput_rps} answers/s"]
    if result.latency_ms:
        lat = result.latency_ms
        lines.append(f"latency ms: p50 {lat['p50']}, p95 {lat['p95']}, p99 {lat['p99']}, max {lat['max']}")
    for reason, count in sorted(result.errors.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {count} x {reason}")
    if result.rss:
        rss = result.rss
        lines.append(f"server RSS MB: start {rss['start_mb']}, after {rss['warmup_requests']} requests "
                     f"{rss['after_warmup_mb']}, end {rss['end_mb']}, max {rss['max_mb']}; growth after warm-up "
                     f"{rss['growth_after_warmup_pct']}%")
        lines.append("  t_s   requests  rss_mb")
        lines += [f"  {s['t_s']:<6} {s['requests']:<9} {s['rss_mb']}" for s in result.rss_over_time]
    return "\n".join(lines)


# ---------------------------------------------------------------- starting a server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_page(url: str, seconds: float, process: subprocess.Popen | None = None) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + seconds
    while True:
        try:
            with opener.open(url, timeout=3):
                return
        except (OSError, urllib.error.URLError) as exc:
            if process is not None and process.poll() is not None:
                raise SystemExit(f"error: rag serve exited with code {process.returncode} before it served {url}")
            if time.monotonic() > deadline:
                raise SystemExit(f"error: nothing answered at {url} within {seconds:g} s ({exc})")
            time.sleep(1)


def start_server(index: str, concurrency: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    command = [sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--index", index,
               "--concurrency", str(concurrency), "--feedback-log", str(log.with_suffix(".feedback.jsonl"))]
    print("starting:", " ".join(command), file=sys.stderr, flush=True)
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)
    return process, f"http://127.0.0.1:{port}/"


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.benchmarks.load", description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--url", help="a running rag serve on this machine, e.g. http://127.0.0.1:7860/")
    target.add_argument("--serve", action="store_true", help="start rag serve on a free loopback port, stop it after")
    parser.add_argument("--index", default="index/default", help="with --serve: the index to serve")
    parser.add_argument("--server-concurrency", type=int, default=4, help="with --serve: rag serve --concurrency")
    parser.add_argument("--pid", type=int, help="server process to watch (default: the one listening on the port)")
    parser.add_argument("--concurrency", type=int, default=8, help="chat users at once (default 8)")
    parser.add_argument("--duration", type=float, default=180.0, help="stop after this many seconds (default 180)")
    parser.add_argument("--requests", type=int, default=1000, help="stop after this many chat turns (default 1000)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per chat turn")
    parser.add_argument("--warmup", type=int, default=50, help="requests before the RSS baseline (default 50)")
    parser.add_argument("--sample-every", type=float, default=5.0, help="seconds between RSS samples")
    parser.add_argument("--generator", default="extractive", help="the generator the chat turns ask for")
    parser.add_argument("--json", dest="json_out", help="also write the result as JSON to this file")
    args = parser.parse_args(argv)
    bounded(args.duration, MAX_DURATION_S, "duration")
    bounded(args.requests, MAX_REQUESTS, "requests")
    bounded(args.concurrency, MAX_CONCURRENCY, "concurrency")
    bounded(args.timeout, 600, "timeout")

    process = None
    log = Path(tempfile.mkdtemp(prefix="rag-load-")) / "serve.log"
    try:
        if args.serve:
            process, url = start_server(args.index, args.server_concurrency, log)
            pid = process.pid
            wait_for_page(url, 600, process)
        else:
            url = args.url or "http://127.0.0.1:7860/"
            require_loopback(url)
            wait_for_page(url, 60)
            pid = args.pid or pid_listening_on(urlparse(url).port or 80)
        require_loopback(url)
        result = run(url, concurrency=args.concurrency, duration=args.duration, requests=args.requests,
                     timeout=args.timeout, pid=pid, sample_every=args.sample_every, warmup=args.warmup,
                     generator=args.generator)
    finally:
        if process is not None:
            stop_server(process)
            print(f"server log: {log}", file=sys.stderr)
    print(report(result))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(asdict(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if not result.errors and result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
