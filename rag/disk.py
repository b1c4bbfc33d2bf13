"""Why a write to disk failed, in words a user can act on: a full disk, the process's file-size limit
(`ulimit -f`), a read-only folder. Shared by the index write, the embedding cache and the UI's feedback log,
so the three name the same cause the same way (and never call a healthy file damaged)."""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

FULL_DISK = "full disk"
SIZE_LIMIT = "size limit"
READ_ONLY = "read-only"


@dataclass(frozen=True)
class DiskCause:
    kind: str  # FULL_DISK, SIZE_LIMIT or READ_ONLY
    reason: str  # what stopped the write, for a sentence: "the disk holding /x is full (12 KB free)"
    fix: str  # what the user can do, for a sentence: "free space on that disk"


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size // 1000} KB"


def _existing(path: Path) -> Path:
    """`path` or its nearest existing parent (a folder about to be made lives on its parent's disk)."""
    path = Path(path).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def file_size_limit() -> int | None:
    """This process's file-size limit in bytes (`ulimit -f`), or None when there is none."""
    try:
        import resource
    except ImportError:  # not a POSIX system: no such limit
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


def free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(_existing(folder)).free
    except OSError:
        return None


def writable(path: Path) -> bool:
    """False for a folder or file this process may not write (permissions, or a read-only mount)."""
    return os.access(_existing(path), os.W_OK)


def full_disk(folder: Path) -> DiskCause:
    free = free_bytes(folder)
    left = f" ({megabytes(free)} free)" if free is not None else ""
    return DiskCause(FULL_DISK, f"the disk holding {folder} is full{left}", "free space on that disk")


def size_limit(limit: int | None = None) -> DiskCause:
    limit = file_size_limit() if limit is None else limit
    shown = f" (ulimit -f {limit // 1024})" if limit is not None else ""
    return DiskCause(SIZE_LIMIT, f"this process's file-size limit{shown} is too small for the file",
                     "raise the limit (ulimit -f unlimited)")


def read_only(folder: Path) -> DiskCause:
    return DiskCause(READ_ONLY, f"{folder} is read-only for this process",
                     f"make {folder} writable (chmod u+w, or mount it read-write)")


def cause_of(error: OSError, folder: Path) -> DiskCause | None:
    """The cause behind an OSError from a write under `folder`, or None when it is none of the above."""
    if error.errno == errno.ENOSPC:
        return full_disk(folder)
    if error.errno == errno.EDQUOT:
        return DiskCause(FULL_DISK, f"the disk quota for {folder} is used up", "free space or ask for a larger quota")
    if error.errno == errno.EFBIG:
        return size_limit()
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return read_only(folder)
    return None
