"""rag.ingest.jsonl: records end at "\n" only. U+2028, U+2029, U+0085 and form feeds inside strings are part of
the record (str.splitlines would cut there), for articles and for question sets, and warnings name the right line."""

from __future__ import annotations

import json

import pytest

from rag.errors import InputError
from rag.evaluate.sets import load_questions
from rag.ingest.articles import load_file
from rag.ingest.jsonl import jsonl_lines, read_jsonl, write_jsonl

SEPARATORS = {"LINE SEPARATOR": "\u2028", "PARAGRAPH SEPARATOR": "\u2029", "NEXT LINE": "\u0085",
              "FORM FEED": "\x0c"}


def _raw_line(record: dict) -> str:
    """json.dumps keeps U+2028/2029/0085 raw with ensure_ascii=False; a raw form feed is what a scraper writes."""
    return json.dumps(record, ensure_ascii=False).replace("\\f", "\x0c")


@pytest.mark.parametrize("name", SEPARATORS)
def test_article_with_a_separator_inside_a_string_is_kept_whole(tmp_path, name):
    sep = SEPARATORS[name]
    path = tmp_path / "batch.jsonl"
    lines = [
        _raw_line({"id": "a", "title": f"Huyện ủy Tam Nông{sep}họp", "text": f"Ngày 1/2/2023, Huyện ủy Tam Nông họp.{sep}Kết nạp 21 đảng viên."}),
        "{not json",
        _raw_line({"id": "b", "text": "Huyện ủy Tân Hồng họp bàn công tác."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert sep in path.read_text(encoding="utf-8")  # the separator really is raw in the file
    warnings: list[str] = []
    articles = load_file(path, warnings)
    assert [a.id for a in articles] == ["a", "b"]
    assert "Kết nạp 21 đảng viên" in articles[0].text
    assert articles[1].source.endswith("batch.jsonl:3")
    assert len(warnings) == 1 and "batch.jsonl:2" in warnings[0], warnings


@pytest.mark.parametrize("name", SEPARATORS)
def test_question_set_with_a_separator_inside_a_string_is_read_whole(tmp_path, name):
    sep = SEPARATORS[name]
    path = tmp_path / "q.jsonl"
    rows = [{"id": "q1", "question": f"Huyện Mỹ Lộc{sep}kết nạp bao nhiêu đảng viên?", "gold_articles": ["x"],
             "answer_facts": ["51"], "answerable": True},
            {"id": "q2", "question": "Ai là bí thư?", "gold_articles": [], "answer_facts": [], "answerable": False}]
    path.write_text("\n".join(_raw_line(r) for r in rows) + "\n", encoding="utf-8")
    questions = load_questions(path)
    assert [q.id for q in questions] == ["q1", "q2"]
    assert "kết nạp" in questions[0].question


def test_bad_line_after_a_separator_is_named_by_its_real_number(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(_raw_line({"id": "q1", "question": "a\u2028b\u2029c"}) + "\n\n[1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"q\.jsonl:3: each line must be a JSON object"):
        read_jsonl(path)


def test_crlf_line_endings_and_a_bom_are_read(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"id": "q1"}\r\n{"id": "q2"}\r\n')
    assert [r["id"] for r in read_jsonl(path)] == ["q1", "q2"]


def test_write_then_read_round_trips_every_separator(tmp_path):
    rows = [{"id": name, "text": f"x{sep}y"} for name, sep in SEPARATORS.items()]
    write_jsonl(tmp_path / "r.jsonl", rows)
    assert read_jsonl(tmp_path / "r.jsonl") == rows


def test_lines_split_on_newline_only():
    text = "a\u2028b\nc\u0085d\x0ce\x1c\n\n  \nf\r\n"
    assert list(jsonl_lines(text)) == [(1, "a\u2028b"), (2, "c\u0085d\x0ce\x1c"), (5, "f")]
