"""A file's content digest: what names the e5 weights cache, checks an index's files and records
which question set an evaluation ran on."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    """The file's sha256 in hex, read in blocks (index files can be gigabytes)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
