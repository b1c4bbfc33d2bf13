"""An exclusive writer lock per index folder, so two builds (or a build and an upload) never interleave.

Readers take no lock: saves are atomic renames, so a reader sees the old index or the new one.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from rag.errors import IndexBusyError


def lock_path(index_path: Path) -> Path:
    index_path = Path(index_path).resolve()
    return index_path.with_name(f".{index_path.name}.lock")


@contextmanager
def index_write_lock(index_path: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the writer lock for `index_path`, waiting up to `wait_seconds`; raises IndexBusyError naming
    the process that holds it. The lock dies with its process (flock), so a killed build never leaves
    a stale lock behind."""
    path = lock_path(index_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise IndexBusyError(
                        f"index {index_path} is being written by {holder}; wait for it to finish and retry"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the flock
