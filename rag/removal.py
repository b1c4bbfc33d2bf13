"""Removing articles from an index without re-embedding anything: kept vectors are copied, BM25 is rebuilt."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import InputError
from .index import (Index, lexical_index, load_index, make_vector_index, remove_stale_builds, save_index,
                    unit_lexical_index, updated_manifest)
from .locking import index_write_lock


def without_articles(index: Index, article_ids: set[str]) -> Index:
    """A new Index holding every chunk of `index` except those of `article_ids`. `index` is not modified."""
    keep = [row for row, chunk in enumerate(index.chunks) if chunk.article_id not in article_ids]
    new_row = {old: new for new, old in enumerate(keep)}
    chunks = [index.chunks[row] for row in keep]
    dim = index.vectors.d
    vectors = np.vstack([index.vectors.reconstruct(row) for row in keep]).astype(np.float32) if keep \
        else np.zeros((0, dim), dtype=np.float32)
    kept_units = [i for i, (row, _) in enumerate(index.units) if row in new_row]
    units = [(new_row[index.units[i][0]], index.units[i][1]) for i in kept_units]
    articles = {a: article for a, article in index.articles.items() if a not in article_ids}
    manifest = updated_manifest(index.manifest, articles, len(chunks), len(units), "removals", sorted(article_ids))
    return Index(
        path=index.path, manifest=manifest, articles=articles, chunks=chunks,
        vectors=make_vector_index(vectors),
        lexical=lexical_index(chunks),  # bm25s cannot delete documents; rebuilding it embeds nothing
        units=units, unit_vectors=index.unit_vectors[kept_units].astype(np.float32),
        unit_lexical=unit_lexical_index(units),
    )


def remove_articles(index_path: Path, article_ids: list[str]) -> Index:
    """Remove articles by id under the writer lock and save atomically. Unknown ids, or removing every
    article, are InputErrors that change nothing."""
    index_path = Path(index_path)
    with index_write_lock(index_path, wait_seconds=30):
        remove_stale_builds(index_path)
        current = load_index(index_path)
        unknown = sorted(set(article_ids) - set(current.articles))
        if unknown:
            raise InputError(f"no article {', '.join(repr(a) for a in unknown)} in {index_path}; "
                             "`rag index info` lists the counts, the index's articles.jsonl the ids")
        if set(article_ids) >= set(current.articles):
            raise InputError(f"removing every article would leave {index_path} empty; build a new index instead")
        smaller = without_articles(current, set(article_ids))
        save_index(smaller, index_path)
    return smaller
