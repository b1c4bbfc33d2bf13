"""Updating a built index in place: adding articles (embedding only the new ones) and removing them (no
re-embedding: kept vectors are copied, BM25 is rebuilt), each swapped in atomically.

Adding articles without a rebuild: validate, embed only the new ones, swap atomically.

`add_articles` is what the UI's upload box calls. Under an exclusive file lock beside the index it
re-reads the index from disk (another writer may have added articles since this process loaded it),
appends the new chunks, vectors and answer units, rebuilds the small BM25 index over all chunks, and
saves with `save_index`, whose rename swap means a crash leaves the previous index whole. A file that
cannot be read, or an article whose id or text is already indexed, is rejected with a message naming
the file; the others are still added.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from rag.ingest.articles import SUPPORTED_SUFFIXES, content_hash, load_file
from rag.ingest.chunking import ChunkSettings
from rag.embed.registry import Embedder
from rag.errors import InputError
from rag.index.store import (Index, build_index, lexical_index, load_index, remove_stale_builds, save_index,
                             unit_lexical_index, updated_manifest)
from rag.index.vectors import faiss_module, make_vector_index
from rag.index.locking import index_write_lock
from rag.schema import Article

MAX_NAME_CHARS = 120
LOCK_TIMEOUT_S = 120.0  # an upload waits this long for another writer (`rag index build`, another upload)


@dataclass
class AddReport:
    """What happened to an upload. `index` is the new Index (None when nothing was added)."""

    index: Index | None = None
    added: list[str] = field(default_factory=list)  # article ids
    added_files: list[str] = field(default_factory=list)  # sanitised file names that contributed articles
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (sanitised file name, reason)
    warnings: list[str] = field(default_factory=list)  # e.g. bad lines inside an otherwise good .jsonl
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.added)


def safe_file_name(name: str) -> str:
    """The last path component of an upload's name, reduced to letters, digits, '-', '_' and '.'.

    Raises InputError for a name with nothing usable left (e.g. '..')."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", str(name)))[-1]
    base = re.sub(r"[^\w.\-]+", "_", base, flags=re.UNICODE).strip("._")
    stem, dot, suffix = base.rpartition(".")
    if dot and len(base) > MAX_NAME_CHARS:
        base = stem[: MAX_NAME_CHARS - len(suffix) - 1] + "." + suffix
    if not base or not dot or not stem.strip("._"):
        raise InputError(f"{name!r} is not a usable file name; name it like article.txt")
    return base


def _load_uploads(files: list[Path], names: list[str] | None, report: AddReport) -> list[tuple[str, Article]]:
    """Copy each upload under its sanitised name into a private folder and load it there, so the
    article id is the sanitised stem and no path the user chose is ever opened."""
    loaded: list[tuple[str, Article]] = []
    with tempfile.TemporaryDirectory(prefix="rag-upload-") as folder:
        for i, file in enumerate(files):
            raw_name = names[i] if names and i < len(names) else Path(file).name
            try:
                name = safe_file_name(raw_name)
            except InputError as exc:
                report.rejected.append((str(raw_name)[-MAX_NAME_CHARS:], str(exc)))
                continue
            if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                report.rejected.append((name, f"{name}: unsupported file type; use one of {', '.join(SUPPORTED_SUFFIXES)}"))
                continue
            target = Path(folder) / f"{i}" / name
            target.parent.mkdir()
            try:
                shutil.copyfile(file, target)
                warnings: list[str] = []
                articles = load_file(target, warnings)
            except InputError as exc:
                report.rejected.append((name, str(exc)))
                continue
            except (OSError, ValueError) as exc:  # unreadable upload, odd bytes the loader did not expect
                report.rejected.append((name, f"{name}: could not be read ({exc})"))
                continue
            report.warnings.extend(w.replace(str(target.parent) + "/", "") for w in warnings)
            if not articles:
                report.rejected.append((name, f"{name}: no articles could be read from it"))
                continue
            for article in articles:
                # .jsonl sources are already "name.jsonl:LINE"; the others are the private copy's path.
                where = article.source if article.source.startswith(name) else name
                loaded.append((name, replace(article, source=f"upload:{where}")))
    return loaded


def _reject_duplicates(loaded: list[tuple[str, Article]], index: Index, report: AddReport) -> list[tuple[str, Article]]:
    ids = set(index.articles)
    hashes = {content_hash(a): a.id for a in index.articles.values()}
    fresh: list[tuple[str, Article]] = []
    for name, article in loaded:
        digest = content_hash(article)
        if article.id in ids:
            report.rejected.append((name, f"{name}: an article with id '{article.id}' is already indexed; rename the file"))
        elif digest in hashes:
            report.rejected.append((name, f"{name}: same text as the indexed article '{hashes[digest]}'"))
        else:
            ids.add(article.id)
            hashes[digest] = article.id
            fresh.append((name, article))
    return fresh


def merge(index: Index, new: Index, articles: list[Article]) -> Index:
    """A new Index holding `index` followed by `new` (built from `articles` with the same embedder and
    chunk settings). `index` is not modified."""
    faiss = faiss_module()
    offset = len(index.chunks)
    # A copy that accepts add(): clone_index + add aborts the process on a memory-mapped index.
    vectors = faiss.deserialize_index(faiss.serialize_index(index.vectors))
    if new.vectors.ntotal:
        vectors.add(new.vectors.reconstruct_n(0, new.vectors.ntotal))
    chunks = index.chunks + new.chunks
    units = index.units + [(row + offset, text) for row, text in new.units]
    unit_vectors = np.vstack([index.unit_vectors, new.unit_vectors]).astype(np.float32)
    all_articles = {**index.articles, **{a.id: a for a in articles}}
    # bm25s cannot append documents; rebuilding it over every chunk is cheap next to embedding.
    lexical = lexical_index(chunks)
    manifest = updated_manifest(index.manifest, all_articles, len(chunks), len(units), "additions",
                                [a.id for a in articles])
    return Index(path=index.path, manifest=manifest, articles=all_articles, chunks=chunks, vectors=vectors,
                 lexical=lexical, units=units, unit_vectors=unit_vectors, unit_lexical=unit_lexical_index(units))


def add_articles(index_path: Path, files: list[Path], embedder: Embedder, names: list[str] | None = None) -> AddReport:
    """Index the articles in `files` (named `names`, default their own names) into the index at
    `index_path`, which must have been built with `embedder`. Never raises for a bad file: it lands in
    `report.rejected`. Raises IndexMissingError/IndexCorruptError for an unusable index."""
    started = time.perf_counter()
    report = AddReport()
    index_path = Path(index_path)
    loaded = _load_uploads([Path(f) for f in files], names, report)
    if loaded:
        with index_write_lock(index_path, wait_seconds=LOCK_TIMEOUT_S):
            from rag.index.store import remove_stale_builds

            remove_stale_builds(index_path)  # left by an upload or build that was killed
            current = load_index(index_path, embedder_spec=embedder.spec)
            fresh = _reject_duplicates(loaded, current, report)
            if fresh:
                articles = [a for _, a in fresh]
                settings = ChunkSettings(**{k: v for k, v in current.manifest["chunking"].items() if k != "tokenizer"})
                # new chunks get their vectors the way the index's were made (rag/embed/pooled.py)
                pooled = current.manifest["embedder"].get("chunk_vectors") == "pooled"
                new = build_index(articles, embedder, index_path, settings, pooled_chunks=pooled)
                merged = merge(current, new, articles)
                save_index(merged, index_path)
                report.index = merged
                report.added = [a.id for a in articles]
                report.added_files = sorted({name for name, _ in fresh})
    report.seconds = time.perf_counter() - started
    return report


# ---------------------------------------------------------------- removal


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
