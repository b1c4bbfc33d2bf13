"""Why the embedding cache could not be used, named correctly, with the fix that matches the cause.

sqlite words a write stopped by the file-size limit ("disk I/O error") the same way as a failing disk, so
the cause is read from sqlite's extended error code, the process's file-size limit, the free space and the
folder's permissions; a file is only called damaged when sqlite says it is or `PRAGMA quick_check` fails.
A write that cannot finish is never started (`room_problem`): a write cut off by the size limit in a file
already larger than the limit cannot even be rolled back, and would leave a hot journal behind.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from rag import disk

OPEN, READ, WRITE = "open", "read", "write"  # what the cache was doing when it failed
LOCKED, DAMAGED, OTHER = "locked", "damaged", "other"  # besides disk.FULL_DISK, SIZE_LIMIT, READ_ONLY

PAGE = 4096  # sqlite's default page size: the journal holds the original of every page a write touches
SLACK = 256 * 1024  # new interior pages, half-full leaves


@dataclass(frozen=True)
class CacheProblem:
    kind: str  # LOCKED, DAMAGED, OTHER or one of rag.disk's kinds
    message: str  # one line: what happened, its cause, what the build does, the fix


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + "-journal")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _sentence(stage: str, path: Path, reason: str, fix: str, error: BaseException | None) -> str:
    subject = {OPEN: f"the embedding cache {path} could not be opened",
               READ: f"the embedding cache {path} could not be read",
               WRITE: f"new embeddings were not saved in the embedding cache {path}"}[stage]
    said = f" ({'sqlite' if isinstance(error, sqlite3.Error) else 'system'}: {error})" if error else ""
    goes_on = "the build goes on without saving them" if stage == WRITE else "the build goes on without the cache"
    return f"{subject}: {reason}{said}; {goes_on}. Fix: {fix}"


def _from_disk(cause: disk.DiskCause) -> tuple[str, str, str]:
    alternative = {disk.FULL_DISK: ", or set RAG_CACHE_DIR to a folder on a disk with room",
                   disk.READ_ONLY: ", or set RAG_CACHE_DIR to a writable folder",
                   disk.SIZE_LIMIT: " for builds; the cache needs no repair"}[cause.kind]
    return cause.kind, cause.reason, cause.fix + alternative


def _size_limit(path: Path, stage: str) -> tuple[str, str, str]:
    limit = disk.file_size_limit()
    kind, reason, fix = _from_disk(disk.size_limit(limit))
    journal = journal_of(path)
    if stage != WRITE and _size(journal):  # left by an earlier write that the limit cut off
        reason = (f"an earlier write to it was cut off, and sqlite cannot roll it back from {journal.name} "
                  f"under this process's file-size limit (ulimit -f {limit // 1024})")
        fix = ("run one build without the limit (sqlite then finishes the rollback), or raise it; "
               "the cache needs no repair")
    else:
        reason += f" ({path.name} is {disk.megabytes(_size(path))})"
    return kind, reason, fix


def _damaged(path: Path) -> tuple[str, str, str]:
    fix = f"delete {path} (the next build starts a new cache), or build with --no-cache"
    return DAMAGED, "the file is damaged", fix


def quick_check(path: Path) -> bool | None:
    """True when sqlite finds the file sound, False when it finds damage, None when it cannot tell."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute("PRAGMA quick_check").fetchone() == ("ok",)
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return False if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) else None


def _cause(stage: str, error: BaseException, path: Path, new_bytes: int) -> tuple[str, str, str]:
    folder = path.parent
    if isinstance(error, OSError):  # making the folder: the trouble is where it was to be made
        cause = disk.cause_of(error, Path(error.filename).parent if error.filename else folder)
        if cause is not None:
            return _from_disk(cause)
        return OTHER, f"{folder} cannot be made", (
            "set RAG_CACHE_DIR to a folder that can be made, or build with --no-cache")
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (LOCKED, "another process holds a lock on it (another `rag index build`?)",
                "none needed: the cache is intact and a later build fills it; or let the other process finish first")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return _damaged(path)
    if name.startswith("SQLITE_FULL"):
        return _from_disk(disk.full_disk(folder))
    if name.startswith("SQLITE_READONLY") or not (disk.writable(folder) and (disk.writable(path))):
        return _from_disk(disk.read_only(folder))
    limit = disk.file_size_limit()
    if limit is not None and max(_size(path), _size(journal_of(path))) + new_bytes >= limit:
        return _size_limit(path, stage)
    free = disk.free_bytes(folder)
    if free is not None and free < max(new_bytes, 1_000_000):
        return _from_disk(disk.full_disk(folder))
    if limit is not None and name == "SQLITE_IOERR_WRITE":  # room on the disk, yet a write failed: EFBIG
        return _size_limit(path, stage)
    sound = quick_check(path)
    if sound is False:
        return _damaged(path)
    checked = ", and PRAGMA quick_check finds no damage in the file" if sound else ""
    return OTHER, f"an error that is not a full disk, a size limit or a lock{checked}", (
        f"check the disk holding {folder}, or build with --no-cache")


def explain(stage: str, error: BaseException, path: Path, new_bytes: int = 0) -> CacheProblem:
    """The problem behind `error`, raised while the cache at `path` did `stage` (OPEN, READ, WRITE)."""
    kind, reason, fix = _cause(stage, error, Path(path), new_bytes)
    return CacheProblem(kind, _sentence(stage, Path(path), reason, fix, error))


def room_problem(path: Path, rows: int, payload: int) -> CacheProblem | None:
    """Why writing `rows` new entries (`payload` bytes) to the cache at `path` cannot finish, or None when it can.
    Checked before writing, so a write that the size limit or a full disk would cut off is never started."""
    size = _size(path)
    growth = 2 * payload + SLACK
    journal = min(size, rows * 2 * PAGE) + SLACK
    limit = disk.file_size_limit()
    if limit is not None and max(size + growth, journal) > limit:
        kind, reason, fix = _size_limit(path, WRITE)
        return CacheProblem(kind, _sentence(WRITE, path, reason, fix, None))
    free = disk.free_bytes(path.parent)
    if free is not None and free < growth + journal:
        kind, reason, fix = _from_disk(disk.full_disk(path.parent))
        reason += f"; the write needs about {disk.megabytes(growth + journal)}"
        return CacheProblem(kind, _sentence(WRITE, path, reason, fix, None))
    return None
