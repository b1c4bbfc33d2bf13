"""term_df.json read lazily (rag.index.term_stats.SavedCounts): every count as the parsed file gives it,
before and after the whole table is parsed, including keys that other keys contain."""

from __future__ import annotations

import json

import pytest

from rag.index.term_stats import SavedCounts, TermStats


def test_saved_counts_are_the_files_counts(tmp_path, monkeypatch):
    texts = ['dang vien moi', 'vien "moi" dang', 'a"b c', 'units df', 'moi moi dang', 'x\\y z']
    stats = TermStats.count(texts)
    path = tmp_path / "term_df.json"
    stats.save(path)
    loaded = TermStats.load(path, stats.n)
    assert isinstance(loaded.df, SavedCounts)
    keys = [*stats.df, "vien moi", "nothing here", "units", "df", "", '"moi"', "b c", 'b"', "1"]
    monkeypatch.setattr(SavedCounts, "PARSE_AFTER", len(keys) // 2)  # half looked up, half parsed
    for key in keys:
        assert loaded.df.get(key, 0) == stats.df.get(key, 0), key
        assert loaded.idf(key) == stats.idf(key) if key else True
    assert loaded.df._all is not None
    again = tmp_path / "again.json"
    loaded.save(again)
    assert again.read_bytes() == path.read_bytes()


def test_other_unit_count_is_refused(tmp_path):
    path = tmp_path / "term_df.json"
    TermStats.count(["a b"]).save(path)
    with pytest.raises(ValueError, match="units"):
        TermStats.load(path, 2)
    path.write_text(json.dumps({"df": {"a": 1}, "units": 1}), encoding="utf-8")  # not as saved: parsed whole
    assert TermStats.load(path, 1).df == {"a": 1}
