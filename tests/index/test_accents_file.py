"""accents.json: the accent vocabulary saved with an index, read on the first question typed without
accents, counted again when the code's general vocabulary changed or the index has no such file."""

from __future__ import annotations

import json

import pytest

from rag.errors import IndexCorruptError
from rag.index.store import load_index, save_index
from rag.retrieve.planning import QueryPlanner
from rag.text import accents

REBUILD = "rag index build"


def _counted(index) -> accents.Vocabulary:
    return accents.vocabulary_of(f"{a.title}\n{a.text}" for a in index.articles.values())


def test_saved_vocabulary_is_the_counted_one_and_read_only_when_needed(e5_index_path):
    index = load_index(e5_index_path)
    assert accents.FILE in index.manifest["files"]
    assert index._accents is None  # not read at load
    assert index.accent_vocabulary == _counted(index)
    planner = QueryPlanner.of(index)
    assert planner.plan("huyen My Loc ket nap bao nhieu dang vien").text.startswith("huyện mỹ lộc kết nạp")


def test_vocabulary_of_another_general_vocabulary_is_counted_again(index_copy, monkeypatch):
    path = index_copy / accents.FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    data["general_sha256"] = "0" * 64
    data["singles"] = {}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    manifest = json.loads((index_copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][accents.FILE]["bytes"] = path.stat().st_size
    (index_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    index = load_index(index_copy)
    assert index.accent_vocabulary == _counted(index)


def test_index_without_the_file_counts_it_and_a_save_writes_it(index_copy, e5_index_path):
    (index_copy / accents.FILE).unlink()
    manifest = json.loads((index_copy / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"][accents.FILE]
    (index_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    index = load_index(index_copy)
    assert index.accent_vocabulary == _counted(index)
    save_index(index, index_copy)
    assert (index_copy / accents.FILE).read_bytes() == (e5_index_path / accents.FILE).read_bytes()


def test_damaged_file_is_named_when_first_needed(index_copy):
    path = index_copy / accents.FILE
    path.write_bytes(b"\xff" * path.stat().st_size)  # same size: only reading it can tell
    index = load_index(index_copy)
    with pytest.raises(IndexCorruptError) as info:
        index.accent_vocabulary
    assert accents.FILE in str(info.value) and REBUILD in str(info.value)
