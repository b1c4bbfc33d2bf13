"""The lazy parts of a loaded index (rows parsed on first access, term counts looked up then parsed, the
saved accent vocabulary) read from several threads at once, as `rag serve` answers questions: every
thread gets the whole, same result."""

from __future__ import annotations

import threading

from rag.index.store import load_index
from rag.index.term_stats import SavedCounts, TermStats


def _at_once(n: int, work) -> list:
    barrier, results, errors = threading.Barrier(n), [None] * n, []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_accent_vocabulary_read_by_threads_at_once(e5_index_path):
    expected = load_index(e5_index_path).accent_vocabulary
    for _ in range(5):
        index = load_index(e5_index_path)
        assert all(v == expected for v in _at_once(8, lambda i: index.accent_vocabulary))


def test_rows_and_counts_read_by_threads_at_once(e5_index_path):
    whole = load_index(e5_index_path)
    chunks, units = list(whole.chunks), list(whole.units)
    counts = TermStats.count(text for _, text in units).df  # what the lazily read term_df.json must give
    terms = sorted(counts)
    index = load_index(e5_index_path)
    assert isinstance(index.term_stats.df, SavedCounts) and len(terms) > 8 * SavedCounts.PARSE_AFTER

    def work(i: int):
        if i == 0:
            return list(index.chunks) == chunks  # parses the whole file while the others index rows
        rows = range(i, len(chunks), 7)
        return (all(index.chunks[r] == chunks[r] for r in rows)
                and all(index.units[r] == units[r] for r in range(i, len(units), 7))
                and all(index.term_stats.df.get(t) == counts[t] for t in terms[i::7]))

    assert all(_at_once(8, work))
