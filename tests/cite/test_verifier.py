"""Issue 12e: the learned verifier (rag/cite/verifier.py). No model ships in rag/cite/ (it did not beat the rules:
eval/README.md, "issue 12e"), so the checker runs the rules alone; these tests pin the machinery: a model file
found at rag/cite/verifier.json is loaded and used, it decides only what the rules leave open, and it never
overrides a fact the rules reject."""

from __future__ import annotations

import json

import pytest

import rag.cite.verifier as verifier_module
from rag.cite.slots import prepare_passage
from rag.cite.support import SupportChecker
from rag.cite.verifier import FEATURES, Stage, Verifier

PASSAGE = ("Năm 2021, Huyện ủy đã xem xét, thi hành kỷ luật 36 đảng viên, trong đó khai trừ 5 đảng viên. "
           "Công tác kiểm tra, giám sát được tăng cường.")
SUPPORTED = "Năm 2021, Huyện ủy thi hành kỷ luật 36 đảng viên [1]."


def _constant(stage: str, supported: bool) -> Stage:
    names = FEATURES[stage]
    zeros = (0.0,) * len(names)
    return Stage(names, zeros, (1.0,) * len(names), zeros, 50.0 if supported else -50.0, 0.5)


def _model_file(path, supported: bool) -> None:
    stages = {name: {"names": list(s.names), "mean": list(s.mean), "scale": list(s.scale), "coef": list(s.coef),
                     "intercept": s.intercept, "threshold": s.threshold}
              for name in FEATURES for s in [_constant(name, supported)]}
    path.write_text(json.dumps({"stages": stages}))


def test_no_model_ships_so_the_rules_decide():
    assert not verifier_module.DEFAULT_PATH.exists()
    assert SupportChecker().verifier is None


def test_a_model_file_in_place_is_loaded_and_used(tmp_path, monkeypatch):
    path = tmp_path / "verifier.json"
    _model_file(path, supported=False)
    monkeypatch.setattr(verifier_module, "DEFAULT_PATH", path)
    checker = SupportChecker()
    assert checker.verifier is not None
    v = checker.check(SUPPORTED, [prepare_passage(PASSAGE, "")])
    assert not v.supported and v.by_rules and "learned verifier" in v.reasons[0], v.reasons
    assert SupportChecker(verifier=None).check(SUPPORTED, [prepare_passage(PASSAGE, "")]).supported


def test_a_broken_model_file_names_the_fix(tmp_path):
    bad = tmp_path / "verifier.json"
    bad.write_text(json.dumps({"stages": {"passed": {"names": ["x"], "mean": [0], "scale": [1], "coef": [1],
                                                     "intercept": 0, "threshold": 0.5}}}))
    with pytest.raises(ValueError, match="checker_train"):
        Verifier.load(bad)


def test_a_fact_the_rules_reject_is_never_handed_to_the_model():
    """'36 ... khai trừ' where the passage says 36 disciplined, 5 expelled: a veto, whatever the model says."""
    always_yes = Verifier({name: _constant(name, True) for name in FEATURES})
    v = SupportChecker(verifier=always_yes).check("Năm 2021, Huyện ủy khai trừ 36 đảng viên [1].",
                                                  [prepare_passage(PASSAGE, "")])
    assert not v.supported and v.features is None, v.reasons


def test_the_trained_candidate_reads_as_a_model():
    """eval/checker_verifier_candidate.json (checker_train's output, not used) stays loadable for the next try."""
    from pathlib import Path

    candidate = Verifier.load(Path(__file__).resolve().parents[2] / "eval" / "checker_verifier_candidate.json")
    assert set(candidate.stages) == set(FEATURES)
