"""An index's rows (chunks.jsonl, units.jsonl, articles.jsonl) read when asked for, and the compact columns
saved beside them (`rows.npz`) that say where each row starts and what it points to.

Parsing the three files into ~118k Python objects took 2.6 s of a 4.4 s `rag ask` cold start at 5,000
articles (eval/BENCHMARKS.md §5), for the few dozen rows one answer reads. So loading keeps each file
memory-mapped with the byte offset of every line, and a row's JSON is parsed the first time it is indexed;
what every question needs about every row (chunk -> article, unit -> chunk row, chunk and article ids) is
read from `rows.npz`, written by every save. An index saved without it still loads: the offsets are found
by scanning for newlines (our writer escapes them inside strings) and the columns by parsing every row once.
"""

from __future__ import annotations

import json
import mmap
import operator
import zipfile
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from rag.errors import IndexCorruptError, InputError
from rag.ingest.jsonl import jsonl_objects
from rag.schema import Place

FILE = "rows.npz"
ROW_FILES = ("chunks", "units", "articles")  # offsets are saved for these, as "<name>_offsets"


def line_offsets(data: bytes | mmap.mmap) -> np.ndarray:
    """Byte offset of the start of each line, plus the end: n + 1 values for n lines ending in "\\n"."""
    if not len(data):
        return np.zeros(1, dtype=np.int64)
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0x0A) + 1
    return np.concatenate([[0], ends]).astype(np.int64)


def _map(path: Path) -> bytes | mmap.mmap:
    with path.open("rb") as handle:
        if path.stat().st_size == 0:
            return b""
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)  # the map outlives the handle


class JsonlRows(Sequence):
    """The rows of an index JSONL file, converted by `convert`, each parsed the first time it is asked for.
    Iterating parses the whole file at once (the fastest way to read every row) and keeps the objects.
    The file is mapped when the index loads, so a later save swapping in a new index changes nothing here."""

    def __init__(self, path: Path, convert: Callable[[dict], object], offsets: np.ndarray | None,
                 fix: str) -> None:
        self.path, self._convert, self._fix = Path(path), convert, fix
        self._data = _map(self.path)
        self._offsets = line_offsets(self._data) if offsets is None else offsets
        if len(self._offsets) < 1 or int(self._offsets[-1]) != len(self._data) or int(self._offsets[0]) != 0:
            where = f"its row offsets in {FILE}" if offsets is not None else "a file of whole lines"
            raise IndexCorruptError(f"{self.path} does not match {where} (edited or from another build); {fix}")
        self._rows: dict[int, object] = {}
        self._all: list | None = None
        if len(self):  # the first and last rows are read now: damage at either end fails the load
            self[0], self[len(self) - 1]

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [self[i] for i in range(*key.indices(len(self)))]
        if self._all is not None:
            return self._all[key]
        i = operator.index(key)
        i = i + len(self) if i < 0 else i
        if not 0 <= i < len(self):
            raise IndexError(f"row {key} of {len(self)} in {self.path.name}")
        row = self._rows.get(i)
        if row is None:
            row = self._rows[i] = self._parse(i)
        return row

    def _parse(self, i: int):
        start, end = int(self._offsets[i]), int(self._offsets[i + 1])
        raw = self._data[start:end]
        try:
            if not raw.endswith(b"\n") or (start and self._data[start - 1:start] != b"\n"):
                raise ValueError("the row does not start and end at a line break")
            return self._convert(json.loads(raw.decode("utf-8")))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise IndexCorruptError(f"{self.path} row {i + 1} could not be read ({str(exc)[:200]}): damaged; "
                                    f"{self._fix}") from exc

    def all(self) -> list:
        """Every row, parsed once; rows asked for before keep their objects."""
        if self._all is None:
            try:
                values = jsonl_objects(bytes(self._data).decode("utf-8"), self.path, at_once=True)
                rows = [self._rows.get(i) or self._convert(v) for i, v in enumerate(values)]
            except (ValueError, KeyError, TypeError, UnicodeDecodeError, InputError) as exc:
                raise IndexCorruptError(f"{self.path} could not be read ({str(exc)[:200]}): damaged; "
                                        f"{self._fix}") from exc
            if len(rows) != len(self):
                raise IndexCorruptError(f"{self.path} holds {len(rows)} rows, its offsets {len(self)}; {self._fix}")
            self._all, self._rows = rows, {}
        return self._all

    def __iter__(self):
        return iter(self.all())

    def __eq__(self, other) -> bool:  # as the list it stands for
        if isinstance(other, (list, tuple, JsonlRows)):
            return self.all() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Iterable) -> list:
        return self.all() + list(other)

    def __radd__(self, other: Iterable) -> list:
        return list(other) + self.all()


class RowsById(Mapping):
    """Rows looked up by id (a chunk id, an article id) without parsing the others. `ids` are in row order,
    so the values in order are the rows (read whole at once, as iterating `JsonlRows` does)."""

    def __init__(self, ids: Sequence[str], rows: Sequence) -> None:
        self._row_of = {key: i for i, key in enumerate(ids)}
        self._rows = rows

    def __getitem__(self, key: str):
        return self._rows[self._row_of[key]]

    def __contains__(self, key) -> bool:
        return key in self._row_of

    def __iter__(self):
        return iter(self._row_of)

    def __len__(self) -> int:
        return len(self._row_of)

    def values(self) -> list:  # type: ignore[override]
        return list(self._rows)

    def items(self) -> list:  # type: ignore[override]
        return list(zip(self._row_of, self._rows))


class RowColumns:
    """What each row points to, as arrays: `chunk_article[row]` is the article row (in articles.jsonl
    order) of chunk `row`, `unit_chunk[unit]` the chunk row of a unit; plus the ids of chunks and articles
    and each article's place (the gazetteer and the retriever's filters read every article's)."""

    def __init__(self, chunk_article: np.ndarray, unit_chunk: np.ndarray, chunk_ids: list[str],
                 article_ids: list[str], article_places: list[Place]) -> None:
        self.chunk_article, self.unit_chunk = chunk_article, unit_chunk
        self.chunk_ids, self.article_ids, self.article_places = chunk_ids, article_ids, article_places

    @classmethod
    def of(cls, articles: Iterable, chunks: Iterable, units: Iterable[tuple[int, str]]) -> "RowColumns":
        """The columns of rows in memory (a build, an update, or an index saved without rows.npz)."""
        articles = list(articles)
        article_ids = [a.id for a in articles]
        row_of = {a: i for i, a in enumerate(article_ids)}
        chunks = list(chunks)
        return cls(np.fromiter((row_of[c.article_id] for c in chunks), dtype=np.int32, count=len(chunks)),
                   np.fromiter((row for row, _ in units), dtype=np.int64), [c.id for c in chunks], article_ids,
                   [a.place for a in articles])

    @cached_property
    def chunk_article_ids(self) -> list[str]:
        """The article id of every chunk row; made once (the answerers and the retriever's filters read it
        per question, and the columns do not change), so callers must not modify it."""
        ids = self.article_ids
        return [ids[i] for i in self.chunk_article.tolist()]

    def save(self, path: Path, offsets: dict[str, np.ndarray]) -> None:
        with path.open("wb") as handle:
            np.savez(handle, chunk_article=self.chunk_article, unit_chunk=self.unit_chunk,
                     chunk_ids=np.array(self.chunk_ids, dtype=str), article_ids=np.array(self.article_ids, dtype=str),
                     # None is saved as "": both mean no such part of the place to every reader
                     article_districts=np.array([p.district or "" for p in self.article_places], dtype=str),
                     article_provinces=np.array([p.province or "" for p in self.article_places], dtype=str),
                     **{f"{name}_offsets": offsets[name] for name in ROW_FILES})

    @classmethod
    def load(cls, path: Path) -> tuple["RowColumns", dict[str, np.ndarray]]:
        """The columns and each row file's offsets; ValueError when they disagree with each other (whether
        they are the manifest's counts is checked with the row files)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {key: data[key] for key in data.files}
        except (zipfile.BadZipFile, EOFError) as exc:
            raise ValueError(f"not a readable .npz file: {exc}") from exc
        missing = {"chunk_article", "unit_chunk", "chunk_ids", "article_ids", "article_districts",
                   "article_provinces", *(f"{n}_offsets" for n in ROW_FILES)} - set(arrays)
        if missing:
            raise ValueError(f"it lacks {', '.join(sorted(missing))}")
        rows_of = {name: len(arrays[f"{name}_offsets"]) - 1 for name in ROW_FILES}
        for key, name in (("chunk_article", "chunks"), ("chunk_ids", "chunks"), ("unit_chunk", "units"),
                          ("article_ids", "articles"), ("article_districts", "articles"),
                          ("article_provinces", "articles")):
            if len(arrays[key]) != rows_of[name]:
                raise ValueError(f"'{key}' has {len(arrays[key])} values, the offsets of {name}.jsonl {rows_of[name]} rows")
        places = [Place(d or None, p or None) for d, p in zip(arrays["article_districts"].tolist(),
                                                              arrays["article_provinces"].tolist())]
        columns = cls(arrays["chunk_article"], arrays["unit_chunk"].astype(np.int64),
                      arrays["chunk_ids"].tolist(), arrays["article_ids"].tolist(), places)
        pointers = ((columns.chunk_article, rows_of["articles"]), (columns.unit_chunk, rows_of["chunks"]))
        if any(len(p) and not 0 <= p.min() <= p.max() < n for p, n in pointers):
            raise ValueError("a row points to a row the index does not have")
        return columns, {name: arrays[f"{name}_offsets"].astype(np.int64) for name in ROW_FILES}
