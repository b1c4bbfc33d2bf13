"""Adding articles to a saved index: only new articles are embedded, bad files are rejected by name,
duplicates are refused, names are sanitised, and the index on disk is always whole."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from rag.errors import BackendError, InputError, RagError
from rag.index.locking import index_write_lock
from rag.index.update import add_articles, safe_file_name
from rag.index.store import build_index, load_index, verify_index
from rag.ingest.articles import load_articles
from rag.retrieve.planning import QueryPlanner
from rag.retrieve.hybrid import HybridRetriever

from ui_fakes import UI_ARTICLES, UI_UPLOAD, HashEmbedder, build_fake_index

UPLOAD = UI_UPLOAD / "hn_2022_lua_dong_xuan.txt"


@pytest.fixture
def index_path(tmp_path) -> Path:
    return build_fake_index(tmp_path / "idx")


def _files_state(path: Path) -> dict[str, bytes]:
    return {str(f.relative_to(path)): f.read_bytes() for f in sorted(path.rglob("*")) if f.is_file()}


def test_adds_an_article_and_embeds_only_the_new_one(index_path):
    embedder = HashEmbedder()
    before = load_index(index_path)
    report = add_articles(index_path, [UPLOAD], embedder)
    assert report.added == ["hn_2022_lua_dong_xuan"] and report.rejected == []
    new_chunks = len(report.index.chunks) - len(before.chunks)
    new_units = len(report.index.units) - len(before.units)
    assert embedder.calls == new_chunks + new_units  # nothing already indexed was embedded again

    saved = load_index(index_path, embedder_spec=embedder.spec)
    verify_index(index_path)  # sizes and checksums match the new manifest
    assert set(saved.articles) == set(before.articles) | {"hn_2022_lua_dong_xuan"}
    assert saved.vectors.ntotal == len(saved.chunks) and len(saved.unit_vectors) == len(saved.units)
    assert saved.manifest["counts"]["articles"] == len(before.articles) + 1
    assert saved.manifest["additions"][-1]["articles"] == ["hn_2022_lua_dong_xuan"]
    assert saved.articles["hn_2022_lua_dong_xuan"].source == "upload:hn_2022_lua_dong_xuan.txt"

    # Searchable at once: the new article ranks first for its own words.
    retriever = HybridRetriever(saved, embedder)
    plan = QueryPlanner.from_articles(saved.articles.values()).plan("Vụ Đông Xuân thị xã Hồng Ngự thu hoạch bao nhiêu ha lúa?")
    hits = retriever.retrieve(plan)
    assert hits[0].chunk.article_id == "hn_2022_lua_dong_xuan"


def test_merged_index_matches_a_full_rebuild(index_path):
    embedder = HashEmbedder()
    report = add_articles(index_path, [UPLOAD], embedder)
    full = build_index(load_articles([*sorted(UI_ARTICLES.glob("*.txt")), UPLOAD]).articles, embedder, index_path)
    assert sorted(c.id for c in report.index.chunks) == sorted(c.id for c in full.chunks)
    assert sorted(t for _, t in report.index.units) == sorted(t for _, t in full.units)


def test_bad_files_are_rejected_by_name_and_good_ones_still_added(index_path, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x00\x01binary")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    report = add_articles(index_path, [empty, binary, pdf, UPLOAD], HashEmbedder())
    rejected = dict(report.rejected)
    assert set(rejected) == {"empty.txt", "photo.txt", "report.pdf"}
    assert "empty.txt" in rejected["empty.txt"] and "empty" in rejected["empty.txt"]
    assert "photo.txt" in rejected["photo.txt"]
    assert "unsupported" in rejected["report.pdf"]
    assert report.added == ["hn_2022_lua_dong_xuan"]


def test_only_bad_files_leave_the_index_untouched(index_path, tmp_path):
    before = _files_state(index_path)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"   \n")
    report = add_articles(index_path, [empty], HashEmbedder())
    assert report.index is None and not report.ok and report.rejected[0][0] == "empty.txt"
    assert _files_state(index_path) == before


def test_duplicates_are_refused(index_path, tmp_path):
    same_id = tmp_path / "tm_2021_tong_ket.txt"
    same_id.write_text("Một bài khác\n\nNgày 01/02/2022, huyện Tháp Mười họp bàn về giao thông nông thôn.", encoding="utf-8")
    same_text = tmp_path / "copy_of_upload.txt"
    same_text.write_bytes(UPLOAD.read_bytes())
    report = add_articles(index_path, [same_id, UPLOAD, same_text], HashEmbedder())
    rejected = dict(report.rejected)
    assert "already indexed" in rejected["tm_2021_tong_ket.txt"]
    assert "same text" in rejected["copy_of_upload.txt"]
    assert report.added == ["hn_2022_lua_dong_xuan"]
    again = add_articles(index_path, [UPLOAD], HashEmbedder())
    assert again.index is None and "already indexed" in again.rejected[0][1]


@pytest.mark.parametrize("raw, expected", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("C:\\Users\\me\\Bài viết mới.txt", "Bài_viết_mới.txt"),
    ("a b;rm -rf.md", "a_b_rm_-rf.md"),
    ("tin<script>.html", "tin_script_.html"),
])
def test_file_names_are_sanitised(raw, expected):
    assert safe_file_name(raw) == expected


@pytest.mark.parametrize("raw", ["..", "", "/", "noextension", "...txt"])
def test_unusable_names_are_rejected(raw):
    with pytest.raises(InputError):
        safe_file_name(raw)


def test_upload_name_decides_the_id_and_no_path_is_followed(index_path, tmp_path):
    report = add_articles(index_path, [UPLOAD], HashEmbedder(), names=["../../../tmp/evil name.txt"])
    assert report.added == ["evil_name"]
    assert not (tmp_path.parent / "evil name.txt").exists()


def test_jsonl_bad_lines_warn_and_good_lines_are_added(index_path, tmp_path):
    batch = tmp_path / "batch.jsonl"
    rows = [
        {"id": "cl_2022_giao_thong", "title": "Huyện Cao Lãnh làm đường giao thông nông thôn năm 2022",
         "text": "Năm 2022, huyện Cao Lãnh hoàn thành 38 km đường giao thông nông thôn."},
        "not json",
        {"id": "missing_text"},
    ]
    batch.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
                     encoding="utf-8")
    report = add_articles(index_path, [batch], HashEmbedder())
    assert report.added == ["cl_2022_giao_thong"]
    assert len(report.warnings) == 2 and all("batch.jsonl:" in w for w in report.warnings)
    assert report.index.articles["cl_2022_giao_thong"].source == "upload:batch.jsonl:1"


def test_a_failure_while_embedding_keeps_the_old_index(index_path):
    class Broken(HashEmbedder):
        def embed_passages(self, texts, progress=False):
            raise BackendError("embedder crashed")

    before = _files_state(index_path)
    with pytest.raises(BackendError):
        add_articles(index_path, [UPLOAD], Broken())
    assert _files_state(index_path) == before
    assert len(load_index(index_path).articles) == 3


def test_a_crash_during_the_swap_keeps_a_loadable_index(index_path, monkeypatch):
    monkeypatch.setattr("rag.index.store._exchange", lambda a, b: False)  # the two-rename fallback
    real_rename = os.rename
    calls = []

    def failing_rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # old index moved aside, new one not yet in place
            raise OSError("disk full")
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises((OSError, RagError)):  # save_index may wrap the OSError in its own error
        add_articles(index_path, [UPLOAD], HashEmbedder())
    monkeypatch.setattr(os, "rename", real_rename)
    assert len(load_index(index_path).articles) == 3  # recovered from .idx.old


def test_other_embedder_is_refused(index_path):
    from rag.errors import IndexCorruptError

    class Other(HashEmbedder):
        spec = "fake:other"

    with pytest.raises(IndexCorruptError):
        add_articles(index_path, [UPLOAD], Other())


def test_concurrent_writers_do_not_lose_each_others_articles(index_path, tmp_path):
    second = tmp_path / "ml_2023_giao_duc.txt"
    second.write_text("Huyện Mỹ Lộc nâng cấp trường học năm 2023\n\nNăm 2023, huyện Mỹ Lộc xây mới 12 phòng học "
                      "tại các trường tiểu học.", encoding="utf-8")
    errors: list[BaseException] = []

    def add(file: Path) -> None:
        try:
            add_articles(index_path, [file], HashEmbedder())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(f,)) for f in (UPLOAD, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert {"hn_2022_lua_dong_xuan", "ml_2023_giao_duc"} <= set(load_index(index_path).articles)


def test_lock_times_out_with_a_message(index_path):
    with index_write_lock(index_path):
        with pytest.raises(RagError, match="is being"):
            with index_write_lock(index_path, wait_seconds=0.1):
                pass
