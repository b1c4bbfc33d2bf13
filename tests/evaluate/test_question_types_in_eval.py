"""The optional `type` of a question-set row (ARCHITECTURE §4.1, issue 11): validated, and metrics per type."""

import json

import pytest

from rag.errors import InputError
from rag.evaluate.metrics import evaluate
from rag.evaluate.sets import load_questions


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_metrics_are_reported_per_question_type(tmp_path):
    rows = [{"id": "a", "question": "q1", "answerable": True, "answer_facts": ["51"], "type": "report"},
            {"id": "b", "question": "q2", "answerable": True, "answer_facts": ["36"], "type": "list"},
            {"id": "c", "question": "q3", "answerable": True, "answer_facts": ["7"]}]
    questions = load_questions(_write(tmp_path / "set.jsonl", rows))
    assert [q.type for q in questions] == ["report", "list", None]
    outputs = [{"id": "a", "answer": "kết nạp 51 [1].", "answerable": True, "citations": [], "retrieved": []},
               {"id": "b", "answer": "không có", "answerable": True, "citations": [], "retrieved": []},
               {"id": "c", "answer": "7", "answerable": True, "citations": [], "retrieved": []}]
    result = evaluate(questions, outputs, resamples=10)
    assert set(result.by_type) == {"report", "list"}
    assert result.by_type["report"]["answer_facts"] == 1.0 and result.by_type["list"]["answer_facts"] == 0.0


def test_an_unknown_type_is_refused_with_the_valid_ones(tmp_path):
    path = _write(tmp_path / "bad.jsonl", [{"id": "a", "question": "q", "answerable": True, "answer_facts": ["1"],
                                             "type": "summary"}])
    with pytest.raises(InputError, match="valid types: factoid, report"):
        load_questions(path)
