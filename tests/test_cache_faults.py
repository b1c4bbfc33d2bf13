"""The embedding cache never fails a build and never misleads: `rag index build` (real subprocesses of the
CLI with the hashing embedder, see tests/test_faults.py) under a file-size limit with a large cache, with a
hot journal left by an older version, with a read-only cache folder, with the cache locked by another
writer, on a full disk, and with a damaged cache file. Each build finishes (or fails on the index write
alone) with one warning line that names the cause and its fix; only a damaged file is called damaged.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from home_guard import digest, seed_cache
from rag.embed.cache_faults import quick_check
from rag.index.store import load_index, verify_index
from test_faults import (FAKE, _command, _env, _private_mounts_work, answers, build, leftovers, run,  # noqa: F401
                         work, write_corpus)

LIMIT_KB = 6000  # as tests/test_faults.py: pyvi unpickles its 4.4 MB model through a temporary file
NEVER_FOR_A_HEALTHY_CACHE = ("damaged", "delete", "corrupt", "unreadable")


def cache_line(result: subprocess.CompletedProcess, *says: str,
               never: tuple[str, ...] = NEVER_FOR_A_HEALTHY_CACHE) -> str:
    """The one warning line about the cache, after checking there is exactly one and no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if "embedding cache" in line]
    assert len(lines) == 1 and lines[0].startswith("warning: "), result.stderr
    line = lines[0]
    for words in says:
        assert words in line, line
    for words in never:
        assert words not in line.lower(), line
    return line


def counts(result: subprocess.CompletedProcess) -> tuple[int, int]:
    """(embedded, reused) from `embedded N passages, reused M from the cache`."""
    embedded, reused = re.search(r"embedded (\d+) passages, reused (\d+) from the cache", result.stderr).groups()
    return int(embedded), int(reused)


def journal(cache: Path) -> Path:
    return cache / "embeddings.sqlite-journal"


@pytest.fixture
def news(work) -> Path:
    """The three UI articles plus five generated ones, already built into index/idx once without limits
    (so the cache holds their embeddings), plus three new articles the cache has not seen."""
    source = write_corpus(work / "news", 5)
    first = build(source, work / "index" / "idx", cwd=work)
    assert first.returncode == 0 and "embedding cache" not in first.stderr, first.stderr
    write_corpus(source, 3, first=5, with_ui_articles=False)
    return source


def test_a_size_limit_with_a_large_cache_still_builds_and_leaves_the_cache_as_it_was(work, news, own_cache):
    """The issue's user: a cache larger than `ulimit -f`, a rebuild of known articles plus three new ones."""
    seed_cache(own_cache)  # >= 20 MB: larger than the limit
    before = digest(own_cache)
    index = work / "index" / "idx"
    limited = build(news, index, cwd=work, file_limit_kb=LIMIT_KB)
    assert limited.returncode == 0, limited.stderr
    cache_line(limited, "new embeddings were not saved", "file-size limit (ulimit -f 6000)", "the build goes on",
               "raise the limit", "needs no repair")
    embedded, reused = counts(limited)
    assert embedded > 0 and reused > 0  # the cache was still read
    assert digest(own_cache) == before and not journal(own_cache).exists()
    assert quick_check(own_cache / "embeddings.sqlite")
    assert len(load_index(index).articles) == 11 and answers(index)

    unlimited = build(news, index, cwd=work)
    assert unlimited.returncode == 0 and "embedding cache" not in unlimited.stderr, unlimited.stderr
    again = build(news, index, cwd=work)
    assert counts(again)[0] == 0, again.stderr  # the new articles were cached once the limit was gone


def test_a_size_limit_that_stops_the_index_write_is_the_only_error_and_the_cache_is_untouched(work, own_cache):
    index = work / "index" / "idx"
    before_index = verify_index(index, checksums=True)["built_at"]
    seed_cache(own_cache)
    before = digest(own_cache)
    source = write_corpus(work / "big", 60, with_ui_articles=False)
    result = run("index", "build", "--source", str(source), "--index", str(index), "--embedder", "fake:8192",
                 "--quiet", cwd=work, file_limit_kb=LIMIT_KB)  # 8192 dimensions: units.npy about 12 MB
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "could not write the index" in errors[0] and "file-size limit" in errors[0]
    assert "previous index, if any, is untouched" in errors[0]
    cache_line(result, "file-size limit (ulimit -f 6000)", "needs no repair")
    assert digest(own_cache) == before and not journal(own_cache).exists()
    assert verify_index(index, checksums=True)["built_at"] == before_index and leftovers(index) == [] and answers(index)


def _cut_off_write(cache: Path) -> None:
    """What an older version did: an insert under the limit into a cache larger than it, which sqlite can
    neither finish nor roll back; the hot journal stays beside the cache."""
    script = ("import os, sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\n"
              "db.executemany('INSERT OR REPLACE INTO vectors VALUES (?, ?)', "
              "[(os.urandom(32).hex(), os.urandom(1536)) for i in range(300)])\n"
              "try:\n    db.commit()\nexcept sqlite3.Error:\n    pass\n")
    subprocess.run(["bash", "-c", f'ulimit -f {LIMIT_KB}; exec "$0" "$@"', sys.executable, "-c", script,
                    str(cache / "embeddings.sqlite")], check=True, timeout=60)


def test_a_journal_left_by_an_older_version_is_not_called_damage(work, news, own_cache):
    seed_cache(own_cache)
    _cut_off_write(own_cache)
    assert journal(own_cache).stat().st_size > 0  # the state the issue found after its first run
    index = work / "index" / "idx"
    limited = build(news, index, cwd=work, file_limit_kb=LIMIT_KB)
    assert limited.returncode == 0, limited.stderr
    cache_line(limited, "could not be opened", "an earlier write to it was cut off", "ulimit -f 6000",
               "run one build without the limit", "needs no repair")
    assert counts(limited)[1] == 0 and len(load_index(index).articles) == 11

    unlimited = build(news, index, cwd=work)  # sqlite rolls the journal back; the cache works again
    assert unlimited.returncode == 0 and "embedding cache" not in unlimited.stderr, unlimited.stderr
    assert not journal(own_cache).exists() and quick_check(own_cache / "embeddings.sqlite")
    assert counts(unlimited)[1] > 0


def _run_read_only(folder: Path, args: tuple[str, ...], cwd: Path) -> subprocess.CompletedProcess:
    """The build with `folder` read-only: by permissions for a normal user; for root (whom permissions do
    not stop) by a read-only bind mount in a private mount namespace, which nothing outside sees."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            return subprocess.run(_command(args), cwd=cwd, env=_env(), capture_output=True, text=True,
                                  encoding="utf-8", timeout=120)
        finally:
            folder.chmod(0o755)
    if not _private_mounts_work():
        pytest.skip("root without unshare -m: a read-only folder cannot be made")
    mount = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    return subprocess.run(["unshare", "-m", "bash", "-c", mount, "ro", str(folder), *_command(args)], cwd=cwd,
                          env=_env(), capture_output=True, text=True, encoding="utf-8", timeout=120)


@pytest.mark.parametrize("holding", ["a cache", "nothing"])
def test_a_read_only_cache_folder_is_named_and_the_build_finishes(work, news, own_cache, tmp_path, holding):
    index = work / "index" / "idx"
    args = ("index", "build", "--source", str(news), "--index", str(index), "--embedder", FAKE, "--quiet")
    if holding == "nothing":
        for file in own_cache.iterdir():
            file.unlink()
    before = digest(own_cache)
    result = _run_read_only(own_cache, args, work)
    assert result.returncode == 0, result.stderr
    line = cache_line(result, "read-only", "RAG_CACHE_DIR to a writable folder")
    if holding == "a cache":  # reading still works: only the new articles were embedded
        assert "new embeddings were not saved" in line and counts(result)[1] > 0
    else:
        assert "could not be opened" in line
    assert digest(own_cache) == before and len(load_index(index).articles) == 11


@pytest.mark.parametrize("lock", ["EXCLUSIVE", "IMMEDIATE"])
def test_a_cache_locked_by_another_writer_does_not_block_the_build(work, news, own_cache, lock):
    """EXCLUSIVE: nobody else may even read; IMMEDIATE: another writer is in the middle of a write."""
    holder = sqlite3.connect(own_cache / "embeddings.sqlite", isolation_level=None)
    holder.execute(f"BEGIN {lock}")
    holder.execute("INSERT OR REPLACE INTO vectors VALUES ('held', x'00')")
    started = time.monotonic()
    try:
        result = build(news, work / "index" / "idx", cwd=work)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 40  # the lock wait is 5 s, not sqlite's 60 s of before
    line = cache_line(result, "another process holds a lock on it", "the cache is intact")
    assert ("could not be opened" in line) if lock == "EXCLUSIVE" else ("new embeddings were not saved" in line)
    assert quick_check(own_cache / "embeddings.sqlite") and not journal(own_cache).exists()


@pytest.mark.skipif(not sys.platform.startswith("linux") or not _private_mounts_work(),
                    reason="needs unshare -m and mount (root in a namespace) for a small private tmpfs")
def test_a_full_disk_under_the_cache_is_named_and_the_build_finishes(work, news, tmp_path):
    """The cache (only) on a 1 MB tmpfs, filled up after a first build cached the first articles."""
    cache = tmp_path / "small-disk"
    cache.mkdir()
    index = work / "index" / "idx"
    more = tmp_path / "more"
    shutil.copytree(news, more)
    write_corpus(more, 2, first=8, with_ui_articles=False)

    def build_command(source: Path) -> str:
        args = ("index", "build", "--source", str(source), "--index", str(index), "--embedder", FAKE, "--quiet")
        return " ".join(shlex.quote(c) for c in _command(args))

    script = f"""
        mount -t tmpfs -o size=1m tmpfs {cache}
        {build_command(news)} 2>/dev/null; echo "first=$?"
        head -c 2000000 /dev/zero > {cache}/filler 2>/dev/null
        {build_command(more)}; echo "second=$?"
        ls -a {cache}
    """
    result = subprocess.run(["unshare", "-m", "bash", "-c", script], cwd=work,
                            env={**_env(), "RAG_CACHE_DIR": str(cache)},
                            capture_output=True, text=True, encoding="utf-8", timeout=180)
    assert "first=0" in result.stdout and "second=0" in result.stdout, result.stdout + result.stderr
    cache_line(result, "is full", "RAG_CACHE_DIR to a folder on a disk with room")
    assert "embeddings.sqlite-journal" not in result.stdout
    assert len(load_index(index).articles) == 13


@pytest.mark.parametrize("damage", ["not a database", "truncated"])
def test_only_a_damaged_cache_is_called_damaged_and_the_build_finishes(work, news, own_cache, damage):
    file = own_cache / "embeddings.sqlite"
    if damage == "not a database":
        file.write_bytes(b"this is not a database" * 500)
    else:
        seed_cache(own_cache)
        file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    result = build(news, work / "index" / "idx", cwd=work)
    assert result.returncode == 0, result.stderr
    cache_line(result, "is damaged", f"delete {file}", never=())
    assert len(load_index(work / "index" / "idx").articles) == 11
