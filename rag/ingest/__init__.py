"""From files to chunks: loaders and cleaning of scraped articles, legacy encodings, JSONL reading,
token counts, token-bounded chunking and answer units, file digests."""

from rag import lazy_exports

_EXPORTS = {
    "load_articles": "articles", "load_file": "articles", "build_article": "articles",
    "LoadReport": "articles", "content_hash": "articles", "ChunkSettings": "chunking",
    "chunk_article": "chunking", "answer_units": "chunking", "embedding_text": "chunking",
    "decode_article_bytes": "encodings", "read_jsonl": "jsonl", "count_tokens": "tokens",
    "file_sha256": "files",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
