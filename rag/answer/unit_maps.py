"""Which answer units each chunk holds, and which clause follows which: built per article when an answer
first touches it.

Built for every chunk at start-up these took 2 s of a `rag ask` cold start at 5,000 articles, for the
handful of articles one answer reads (eval/BENCHMARKS.md §5). An article's maps depend on its own chunks
and units only, so building them one article at a time gives the same maps as building them all.
"""

from __future__ import annotations

import numpy as np

from rag.index.store import Index
from rag.ingest.chunking import answer_units
from rag.text.vietnamese import split_clauses


class UnitMaps:
    """`units_of_row[row]`: the units of chunk `row` in reading order; `next_clause[unit]`: the unit of the
    clause after it in its "A; B; C" sentence (a list of people spans several clauses)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.rows_of_article: dict[str, list[int]] = {}
        article_of_row = index.chunk_article_ids  # columns (rag/index/rows.py): no chunk or unit is read here
        for row, article_id in enumerate(article_of_row):
            self.rows_of_article.setdefault(article_id, []).append(row)
        unit_rows = index.unit_chunk_rows
        self._units_by_row = np.argsort(unit_rows, kind="stable")  # unit numbers grouped by chunk row, in order
        self._row_starts = np.searchsorted(unit_rows[self._units_by_row], np.arange(len(index.chunks) + 1))
        self._units_of_row: dict[int, list[int]] = {}
        self._next_clause: dict[int, int] = {}
        self._done: set[str] = set()
        self.units_of_row = _Lookup(self._units_of_row, lambda row: article_of_row[row], self._build)
        self.next_clause = _Lookup(self._next_clause, lambda unit: article_of_row[unit_rows[unit]], self._build)

    def _build(self, article_id: str) -> None:
        if article_id in self._done:
            return
        rows = self.rows_of_article.get(article_id, [])
        units = sorted(int(u) for row in rows
                       for u in self._units_by_row[self._row_starts[row]:self._row_starts[row + 1]])
        by_text = {self.index.units[i][1]: i for i in units}  # a later duplicate wins, as it always did
        for row in rows:
            chunk = self.index.chunks[row]
            self._units_of_row[row] = [by_text[u] for u in answer_units(chunk) if u in by_text]
        for row in rows:
            for sentence in self.index.chunks[row].sentences:
                clauses = [by_text.get(c) for c in split_clauses(sentence)]
                for here, after in zip(clauses, clauses[1:]):
                    if here is not None and after is not None:
                        self._next_clause[here] = after
        self._done.add(article_id)


class _Lookup:
    """A read-only mapping whose entries for an article are built the first time one of them is asked for."""

    def __init__(self, entries: dict[int, object], article_of, build) -> None:
        self._entries, self._article_of, self._build = entries, article_of, build

    def _ready(self, key: int) -> None:
        self._build(self._article_of(key))

    def __getitem__(self, key: int):
        self._ready(key)
        return self._entries[key]

    def __contains__(self, key: int) -> bool:
        self._ready(key)
        return key in self._entries
