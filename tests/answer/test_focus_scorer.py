"""The learned query-focused piece scorer (rag.answer.focus_scorer) and the synthesiser's use of it."""

import json
from dataclasses import replace

import numpy as np
import pytest

from rag.answer.focus_scorer import FEATURES, MODEL_PATH, FocusModel, features_row, load_focus_model
from rag.answer.synthesis import SynthesisSettings, Synthesiser
from rag.config import Config
from rag.evaluate.metrics import fact_met
from rag.pipeline import build_pipeline
from rag.text.dates import years_mentioned

PARTS = {name: 0.0 for name in FEATURES} | {"directive": 1.0, "roles": 0.5, "forward": 1.0, "past": 1.0,
                                           "person": 1.0, "question": 0.7}


def test_the_type_interactions_follow_the_kind():
    plan = dict(zip(FEATURES, features_row(PARTS, "plan")))
    report = dict(zip(FEATURES, features_row(PARTS, "report")))
    listing = dict(zip(FEATURES, features_row(PARTS, "list")))
    assert plan["plan_forward"] == 1.0 and plan["plan_directive"] == 1.0 and plan["report_past"] == 0.0
    assert report["report_past"] == 1.0 and report["report_forward"] == 1.0 and report["plan_forward"] == 0.0
    assert listing["list_person"] == 1.0 and listing["list_roles"] == 0.5 and listing["plan_directive"] == 0.0
    assert plan["question"] == report["question"] == 0.7
    assert len(features_row(PARTS, "report")) == len(FEATURES)


def test_the_score_is_the_standardised_linear_model():
    n = len(FEATURES)
    model = FocusModel(np.ones(n), np.full(n, 2.0), np.eye(n)[0], 0.5)
    x = np.zeros((2, n))
    x[1, 0] = 5.0
    assert model.score(x).tolist() == [-0.5 + 0.5, 2.0 + 0.5]
    again = model.to_json()
    assert again["features"] == list(FEATURES) and again["weights"][FEATURES[0]] == 1.0


def test_a_model_fitted_on_other_features_is_refused_with_the_command_to_refit(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"features": ["question"], "mean": {}, "scale": {}, "weights": {}, "intercept": 0}))
    with pytest.raises(ValueError, match="focus_train"):
        load_focus_model(path)
    with pytest.raises(FileNotFoundError, match="focus_train"):
        load_focus_model(tmp_path / "missing.json")


def test_the_committed_model_has_the_features_and_its_chosen_setting():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES
    assert set(data["chosen"]) >= {"C", "focus_weight", "focus_length_weight", "focus_hand_share", "focus_kinds"}
    load_focus_model()


@pytest.fixture(scope="module")
def pipeline(e5_index_path, e5_embedder):
    return build_pipeline(Config(index=e5_index_path), embedder=e5_embedder)


def _answer(pipeline, question, settings):
    plan = pipeline.plan(question)
    vector, hits = pipeline._retrieve(plan, None)
    synthesiser = Synthesiser(pipeline.generator, settings)
    synthesiser.trace = []
    return synthesiser.answer(plan, [h for h in hits if h.matches_constraints], vector), synthesiser.trace


def test_collecting_features_flags_what_the_rules_rule_out_and_leaves_the_answer_alone(pipeline):
    """The benchmark's collecting pass scores the pieces the time filter rules out by a year inherited from their
    paragraph, with that verdict as a feature; a piece naming another year itself stays out (the 2022 plan is not
    a 2021 result). The hand-set answer itself is the same with or without a trace."""
    question = "Năm 2021 huyện Mỹ Lộc đạt những kết quả gì trong công tác xây dựng Đảng?"
    hand, _ = _answer(pipeline, question, replace(SynthesisSettings(), focus_weight=0.0))
    plain = Synthesiser(pipeline.generator, replace(SynthesisSettings(), focus_weight=0.0))
    plan = pipeline.plan(question)
    vector, hits = pipeline._retrieve(plan, None)
    assert plain.answer(plan, [h for h in hits if h.matches_constraints], vector).text == hand.text
    _, trace = _answer(pipeline, question, replace(SynthesisSettings(), focus_weight=0.0, focus_collect=True))
    other_year = FEATURES.index("other_year")
    entry = trace[0]
    assert len(entry["features"]) == len(entry["pieces"])
    flagged = [p.text for p, row in zip(entry["pieces"], entry["features"]) if row[other_year]]
    assert flagged and not any(years_mentioned(text) for text in flagged)
    assert not any(set(years_mentioned(p.text)) == {2022} for p in entry["pieces"])
    assert not any(row[other_year] for p, row in zip(entry["pieces"], entry["features"]) if "2021" in p.text)


def test_the_learned_scorer_answers_the_flagship_report_with_results_not_plans(pipeline):
    settings = SynthesisSettings()
    if settings.focus_weight <= 0:
        settings = replace(settings, focus_weight=1.0)
    answer, _ = _answer(pipeline, "Năm 2021 huyện Mỹ Lộc đạt những kết quả gì trong công tác xây dựng Đảng?", settings)
    assert answer.answerable
    assert fact_met(("47",), answer.text)
    assert not fact_met(("mục tiêu kết nạp 50",), answer.text)
