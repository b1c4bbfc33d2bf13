"""The library's own exceptions: each names the problem and how to fix it."""


class RagError(Exception):
    """Base class; the CLI and UI show str(error) to people, never a traceback."""


class InputError(RagError):
    """A question, file or option a user gave is not usable."""


class ConfigError(RagError):
    """A setting or backend spec is invalid."""


class IndexMissingError(RagError):
    """No index at the given path."""


class IndexCorruptError(RagError):
    """An index exists but cannot be trusted (damaged, other embedder, older format)."""


class BackendError(RagError):
    """An embedder or LLM backend failed (dead endpoint, missing package, bad reply)."""


class NoArticlesError(InputError):
    """A source folder held no readable articles."""


class IndexBusyError(RagError):
    """Another process is writing the same index."""


class IndexWriteError(RagError):
    """Saving an index failed (disk full, size limit, permissions); the previous index is intact."""
