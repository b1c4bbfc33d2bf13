"""The CI gate (`rag eval --compare`): one broken question fails it even when another is fixed, a baseline
accepts a break only with a reason, and every committed baseline accounts for the questions it lets fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.cli import main as cli
from rag.evaluate.summary import load_summary, unexplained_failures
from test_evaluation import QUESTIONS, _eval, _outputs, _write

REPO = Path(__file__).resolve().parents[2]


def _baseline(tmp_path, capsys, broken: set[str]) -> tuple[Path, Path]:
    questions = _write(tmp_path / "questions.jsonl", QUESTIONS)
    outputs = _write(tmp_path / "base.jsonl", _outputs(broken=broken))
    baseline = tmp_path / "baseline.json"
    code, _ = _eval(tmp_path, capsys, str(questions), "--from-output", str(outputs), "--no-report",
                    "--save-summary", str(baseline))
    assert code == 0
    return questions, baseline


def test_a_broken_question_offset_by_a_fixed_one_fails_the_gate(tmp_path, capsys):
    questions, baseline = _baseline(tmp_path, capsys, broken={"q3"})
    swapped = _write(tmp_path / "swapped.jsonl", _outputs(broken={"q4"}))  # q3 fixed, q4 broken
    code, summary = _eval(tmp_path, capsys, str(questions), "--from-output", str(swapped), "--compare",
                          str(baseline), "--no-report")
    comparison = summary["comparison"]
    assert comparison["regressed"] == []  # every metric is exactly as before: the old gate passed this
    assert comparison["fixed"] == ["q3"] and comparison["broken"] == ["q4"]
    assert code == 3 and comparison["gate_failed"]


def test_a_lost_first_place_fails_the_gate_though_the_question_still_passes(tmp_path, capsys):
    questions, baseline = _baseline(tmp_path, capsys, broken=set())
    rows = _outputs()
    rows[2]["retrieved"] = list(reversed(rows[2]["retrieved"]))  # gold article second: hit@5 holds, hit@1 lost
    demoted = _write(tmp_path / "demoted.jsonl", rows)
    code, summary = _eval(tmp_path, capsys, str(questions), "--from-output", str(demoted), "--compare",
                          str(baseline), "--no-report", "--tolerance", "0.2")
    assert summary["comparison"]["broken"] == [] and summary["comparison"]["lost_hit@1"] == ["q2"]
    assert code == 3


def test_a_baseline_accepts_a_break_only_with_a_reason(tmp_path, capsys):
    questions, baseline = _baseline(tmp_path, capsys, broken=set())
    assert load_summary(baseline)["changes"][0]["reason"] == "first baseline"
    bad = _write(tmp_path / "bad.jsonl", _outputs(broken={"q5"}))
    code = cli.main(["eval", str(questions), "--from-output", str(bad), "--no-report", "--quiet",
                     "--out-dir", str(tmp_path / "runs"), "--save-summary", str(baseline)])
    assert code == 1 and "--reason" in capsys.readouterr().err
    assert load_summary(baseline)["per_question"]["q5"]["passed"]  # refused: the old baseline stays
    code, _ = _eval(tmp_path, capsys, str(questions), "--from-output", str(bad), "--no-report",
                    "--save-summary", str(baseline), "--reason", "q5 needs a table entry we removed")
    saved = load_summary(baseline)
    assert code == 0 and saved["changes"][-1]["broken"] == ["q5"]
    assert saved["changes"][-1]["reason"] == "q5 needs a table entry we removed"
    assert unexplained_failures(saved) == []
    # Now the break is the baseline: the same outputs pass the gate.
    code, _ = _eval(tmp_path, capsys, str(questions), "--from-output", str(bad), "--compare", str(baseline),
                    "--no-report")
    assert code == 0


def test_a_hand_edited_baseline_that_hides_a_failure_is_caught(tmp_path, capsys):
    _, baseline = _baseline(tmp_path, capsys, broken=set())
    edited = json.loads(baseline.read_text(encoding="utf-8"))
    edited["per_question"]["q1"]["passed"] = False
    assert unexplained_failures(edited) == ["q1"]


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "eval" / "baselines").glob("*.json")
                                        if load_summary(p).get("per_question") is not None))
def test_every_committed_baseline_names_a_reason_for_each_question_it_lets_fail(name):
    baseline = load_summary(REPO / "eval" / "baselines" / name)
    assert unexplained_failures(baseline) == [], f"eval/baselines/{name}: failing questions with no reason"


def test_checker_pairs_gate_fails_on_a_pair_judged_right_in_the_baseline(tmp_path, capsys):
    pairs = _write(tmp_path / "pairs.jsonl", [
        {"id": "p1", "sentence": "Huyện kết nạp 51 đảng viên mới.", "passage": "Năm 2021 huyện kết nạp 51 đảng viên mới.",
         "supported": True},
        {"id": "p2", "sentence": "Huyện kết nạp 60 đảng viên mới.", "passage": "Năm 2021 huyện kết nạp 51 đảng viên mới.",
         "supported": False}])
    baseline = tmp_path / "pairs_baseline.json"
    assert cli.main(["check", "--pairs", str(pairs), "--lexical-only", "--save-summary", str(baseline)]) == 0
    assert cli.main(["check", "--pairs", str(pairs), "--lexical-only", "--compare", str(baseline)]) == 0
    edited = json.loads(baseline.read_text(encoding="utf-8"))
    relabelled = [dict(json.loads(line), supported=not json.loads(line)["supported"]) if json.loads(line)["id"] == "p1"
                  else json.loads(line) for line in pairs.read_text(encoding="utf-8").split("\n") if line]
    _write(pairs, relabelled)  # p1 is now judged wrong; it was right in the baseline
    capsys.readouterr()
    assert cli.main(["check", "--pairs", str(pairs), "--lexical-only", "--compare", str(baseline)]) == 3
    assert "p1" in capsys.readouterr().err and edited["per_question"]["p1"]["passed"]
