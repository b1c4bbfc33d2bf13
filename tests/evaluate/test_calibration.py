"""`rag calibrate`: the decline threshold chosen from a labelled set, stored in the manifest, used by the answerer."""

from __future__ import annotations

import json

import pytest

from rag.answer.extractive import ExtractiveGenerator, ExtractiveSettings, settings_for
from rag.evaluate.calibration import choose_threshold, error_rates
from rag.index.store import load_index, read_manifest, verify_index
from rag.ingest.jsonl import write_jsonl


def test_separable_scores_give_the_middle_of_the_gap():
    c = choose_threshold([(True, 0.95), (True, 0.99), (False, 0.80), (False, 0.85)])
    assert c.min_score == pytest.approx(0.90)
    assert (c.answerable_declined, c.unanswerable_answered) == (0.0, 0.0)


def test_overlap_minimises_the_balanced_error_not_the_count():
    # 10 answerable, 2 unanswerable: each class weighs the same, so one unanswerable answered (0.5) costs
    # more than one answerable declined (0.1).
    labelled = [(True, 0.90 + i / 100) for i in range(10)] + [(False, 0.905), (False, 0.70)]
    c = choose_threshold(labelled)
    assert error_rates(c.min_score, labelled) == (0.1, 0.0)
    assert 0.905 < c.min_score <= 0.91


def test_no_score_is_always_declined():
    assert error_rates(0.0, [(True, None), (False, None)]) == (1.0, 0.0)


def test_both_classes_are_needed():
    with pytest.raises(ValueError, match="both"):
        choose_threshold([(True, 0.9), (True, 0.95)])


def test_manifest_threshold_is_used_and_default_otherwise():
    assert settings_for({}).min_score == ExtractiveSettings().min_score
    assert settings_for({"decline": {"min_score": 0.5}}).min_score == 0.5


QUESTIONS = [
    {"id": "a1", "question": "Năm 2021 huyện Mỹ Lộc thi hành kỷ luật bao nhiêu đảng viên?", "answerable": True,
     "gold_articles": ["myloc_2021"], "answer_facts": []},
    {"id": "a2", "question": "Huyện ủy Tam Nông kết nạp bao nhiêu đảng viên mới?", "answerable": True,
     "gold_articles": ["tamnong_cp1258"], "answer_facts": ["21"]},
    {"id": "u1", "question": "Giá vàng hôm nay bao nhiêu một lượng?", "answerable": False,
     "gold_articles": [], "answer_facts": []},
    {"id": "u2", "question": "Đội tuyển bóng đá Việt Nam thắng mấy trận?", "answerable": False,
     "gold_articles": [], "answer_facts": []},
]


def test_calibrate_prints_both_rates_and_stores_in_the_manifest(run_rag, index_copy, tmp_path):
    questions = tmp_path / "labelled.jsonl"
    write_jsonl(questions, QUESTIONS)
    result = run_rag("calibrate", str(questions), "--index", str(index_copy), "--store", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"min_score", "answerable_declined", "unanswerable_answered", "in_use"} <= set(report)
    assert report["answerable"] == 2 and report["unanswerable"] == 2
    stored = read_manifest(index_copy)["decline"]
    assert stored["min_score"] == report["min_score"]
    assert stored["calibrated_on"]["answerable"] == 2
    verify_index(index_copy)  # the manifest's file checksums still hold
    assert ExtractiveGenerator(load_index(index_copy)).settings.min_score == report["min_score"]
    text = run_rag("calibrate", str(questions), "--index", str(index_copy))
    assert "answerable declined" in text.stdout and "unanswerable answered" in text.stdout


def test_calibrate_without_unanswerable_questions_says_what_to_add(run_rag, index_copy, tmp_path):
    questions = tmp_path / "only_answerable.jsonl"
    write_jsonl(questions, QUESTIONS[:2])
    result = run_rag("calibrate", str(questions), "--index", str(index_copy))
    assert result.returncode != 0 and result.stderr.startswith("error: ") and "unanswerable" in result.stderr
