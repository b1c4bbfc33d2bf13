"""The `rag` command in subprocesses: index build, ask (--json, --batch) and its error messages."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from rag.ingest.jsonl import read_jsonl
from conftest import ARTICLES_DIR

ASK_KEYS = {"question", "answer", "answerable", "citations", "retrieved", "timings_ms"}
OPTIONAL_KEYS = {"notice", "question_type"}  # compatible extensions of the §4.2 contract (question_type: issue 11)
CITATION_KEYS = {"marker", "article_id", "chunk_id", "title", "date", "place", "quote", "supported"}
QUESTION = "Năm 2021 huyện Mỹ Lộc thi hành kỷ luật bao nhiêu đảng viên?"


def _assert_clean_failure(result, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def _assert_contract(record: dict, n_chunks: int, *, batch: bool) -> None:
    keys = set(record)
    expected = ASK_KEYS | ({"id"} if batch else set())
    assert expected <= keys and keys - expected <= OPTIONAL_KEYS, keys
    assert isinstance(record["answer"], str) and record["answer"]
    assert isinstance(record["answerable"], bool)
    for citation in record["citations"]:
        assert set(citation) == CITATION_KEYS
        assert citation["chunk_id"].startswith(citation["article_id"] + "#")
    retrieved = record["retrieved"]
    assert len(retrieved) == min(10, n_chunks)
    assert all(set(r) == {"article_id", "chunk_id", "score"} for r in retrieved)
    scores = [r["score"] for r in retrieved]
    assert all(isinstance(s, float) for s in scores)
    assert {"retrieve", "generate", "total"} <= set(record["timings_ms"])
    assert all(v >= 0 for v in record["timings_ms"].values())


def _n_chunks(index_path) -> int:
    return len(read_jsonl(index_path / "chunks.jsonl"))


# ---------------------------------------------------------------- index build


def test_index_build_skips_a_bad_file_with_a_warning(run_rag, tmp_path):
    source = tmp_path / "articles"
    source.mkdir()
    for name in ("lapvo_2023.html", "empty.txt"):
        shutil.copy(ARTICLES_DIR / name, source / name)
    (source / "blob.txt").write_bytes(b"\x00\x01binary\x00" * 40)
    index = tmp_path / "idx"
    result = run_rag("index", "build", "--source", str(source), "--index", str(index), "--quiet", entry_point=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "warning: skipped empty.txt: the file is empty" in result.stderr
    assert "warning: skipped blob.txt" in result.stderr and "binary" in result.stderr
    assert f"indexed 1 articles as 1 chunks into {index}" in result.stderr
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["articles"] == 1 and manifest["embedder"]["spec"] == "e5-small-openvino"
    verify = run_rag("index", "verify", "--index", str(index))
    assert verify.returncode == 0 and ": ok (1 articles, 1 chunks, embedder e5-small-openvino)" in verify.stdout


def test_index_build_from_a_folder_without_articles_fails_and_keeps_the_old_index(run_rag, tmp_path, index_copy):
    empty = tmp_path / "no-articles"
    empty.mkdir()
    (empty / "readme.csv").write_text("not an article\n", encoding="utf-8")
    before = (index_copy / "manifest.json").read_bytes()
    result = run_rag("index", "build", "--source", str(empty), "--index", str(index_copy), "--quiet")
    _assert_clean_failure(result, "no articles could be read from", str(empty))
    assert (index_copy / "manifest.json").read_bytes() == before
    assert run_rag("index", "verify", "--index", str(index_copy)).returncode == 0


def test_index_build_from_a_missing_folder(run_rag, tmp_path):
    result = run_rag("index", "build", "--source", str(tmp_path / "nowhere"), "--index", str(tmp_path / "i"))
    _assert_clean_failure(result, "does not exist")
    assert not (tmp_path / "i").exists()


# ---------------------------------------------------------------- ask


def test_ask_json_prints_exactly_the_contract(run_rag, e5_index_path):
    result = run_rag("ask", QUESTION, "--json", "--index", str(e5_index_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    _assert_contract(record, _n_chunks(e5_index_path), batch=False)
    assert record["question"] == QUESTION
    assert record["answerable"] is True
    assert re.search(r"\b9\b", record["answer"])  # "thi hành kỷ luật 9 đảng viên"
    assert record["retrieved"][0]["article_id"] == "myloc_2021"
    assert record["citations"] and record["citations"][0]["article_id"] == "myloc_2021"
    assert record["citations"][0]["place"] == "Mỹ Lộc"


def test_ask_batch_prints_one_line_per_question_in_order(run_rag, e5_index_path, tmp_path):
    rows = [
        {"id": "q1", "question": QUESTION, "lang": "vi", "gold_articles": ["myloc_2021"]},
        {"id": "q2", "question": "How many houses were handed over to poor households?"},
        {"id": "q3", "question": "Còn năm 2022 thì sao?", "history": [QUESTION]},
        {"id": "q4", "question": "   "},
        {"id": "q5", "question": "bao nhieu can nha dai doan ket duoc ban giao"},
    ]
    batch = tmp_path / "questions.jsonl"
    batch.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    result = run_rag("ask", "--batch", str(batch), "--json", "--index", str(e5_index_path))
    assert "Traceback" not in result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(rows)
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == ["q1", "q2", "q3", "q4", "q5"]
    for row, record in zip(rows, records):
        if row["id"] == "q4":
            assert set(record) == {"id", "question", "error"}
            assert "the question is empty" in record["error"]
            continue
        _assert_contract(record, _n_chunks(e5_index_path), batch=True)
        assert record["question"] == row["question"]
    assert records[0]["retrieved"][0]["article_id"] == "myloc_2021"
    assert records[1]["retrieved"][0]["article_id"] == "chauthanh_2023"
    assert records[4]["retrieved"][0]["article_id"] == "chauthanh_2023"
    assert result.returncode == 1  # one question failed; the others were still answered


def test_ask_batch_with_a_broken_line_names_it(run_rag, e5_index_path, tmp_path):
    batch = tmp_path / "broken.jsonl"
    batch.write_text('{"id": "q1", "question": "Tháp Mười"}\n{"id": "q2", "question": \n', encoding="utf-8")
    result = run_rag("ask", "--batch", str(batch), "--json", "--index", str(e5_index_path))
    _assert_clean_failure(result, "broken.jsonl:2", "not valid JSON")
    assert result.stdout == ""


# ---------------------------------------------------------------- ask errors


def test_empty_question(run_rag, e5_index_path):
    result = run_rag("ask", "", "--index", str(e5_index_path))
    _assert_clean_failure(result, "the question is empty")


def test_question_of_2001_characters(run_rag, e5_index_path):
    result = run_rag("ask", "Tháp Mười " + "x" * 1991, "--json", "--index", str(e5_index_path))
    _assert_clean_failure(result, "2,001 characters", "2,000")
    assert result.stdout == ""


def test_missing_index_says_how_to_build_it(run_rag, tmp_path):
    missing = tmp_path / "no-index-here"
    result = run_rag("ask", QUESTION, "--index", str(missing), entry_point=True)
    _assert_clean_failure(result, f"no index at {missing}", "rag index build")


def test_no_question_at_all(run_rag, e5_index_path):
    result = run_rag("ask", "--index", str(e5_index_path))
    _assert_clean_failure(result, "give a question")


@pytest.mark.parametrize("option", [("--top-k", "0"), ("--top-k", "101")])
def test_bad_top_k(run_rag, e5_index_path, option):
    result = run_rag("ask", QUESTION, "--index", str(e5_index_path), *option)
    _assert_clean_failure(result, "top-k must be between 1 and 100")
