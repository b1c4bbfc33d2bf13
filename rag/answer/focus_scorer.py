"""A learned query-focused piece scorer for report, plan, list and comparison questions with topic words.

The hand-set weights of rag.answer.synthesis.SynthesisSettings were chosen on the development set and did not
carry over to unseen questions (held-out 3 and 4). This scorer weighs the parts the synthesiser computes anyway
(e5 similarity to the question and to the article's centroid, the question-term coverage, the hand-set salience
and its signals, time cues, position, length, restating the title) by a logistic model of whether a piece holds
a key point of the question, fitted on the spent synthesis question sets and chosen by leave-one-set-out
cross-validation (`python -m eval.benchmarks.focus_train`, which writes `focus_model.json` beside this file).
Features are general properties of a piece and the question's type; none names a question or an article.
Interactions with the type carry what differs by type (a plan wants forward words, a report past ones).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("focus_model.json")

FEATURES = ("hand_score", "other_year", "outside_subset", "question", "centroid", "coverage", "salience", "count", "new_names", "named_thing", "decision",
            "person", "speech", "position", "restates_title", "forward", "past", "names_year", "section_tense",
            "speech_frame", "words", "clause", "plan_forward", "plan_directive", "report_past", "report_forward",
            "list_person", "list_roles")


@dataclass(frozen=True)
class FocusModel:
    """Standardised logistic weights: score = ((x - mean) / scale) @ weights + intercept (log-odds)."""
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    intercept: float

    def score(self, features: np.ndarray) -> np.ndarray:
        return ((features - self.mean) / self.scale) @ self.weights + self.intercept

    def to_json(self) -> dict:
        return {"features": list(FEATURES), "mean": dict(zip(FEATURES, self.mean.tolist())),
                "scale": dict(zip(FEATURES, self.scale.tolist())), "weights": dict(zip(FEATURES, self.weights.tolist())),
                "intercept": self.intercept}


def features_row(parts: dict[str, float], kind: str) -> list[float]:
    """The feature vector of one piece from the synthesiser's parts (`Synthesiser._parts`), in FEATURES order;
    the type interactions are made here."""
    row = dict(parts)
    row["plan_forward"] = parts["forward"] * (kind == "plan")
    row["plan_directive"] = parts.get("directive", 0.0) * (kind == "plan")
    row["report_past"] = parts["past"] * (kind == "report")
    row["report_forward"] = parts["forward"] * (kind == "report")
    row["list_person"] = parts["person"] * (kind == "list")
    row["list_roles"] = parts["roles"] * (kind == "list")
    return [float(row[name]) for name in FEATURES]


@lru_cache(maxsize=8)
def load_focus_model(path: Path = MODEL_PATH) -> FocusModel:
    """The fitted weights; a clear error when the file is missing or was fitted on other features."""
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `python -m eval.benchmarks.focus_train` to fit it")
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path} was fitted on other features; re-run `python -m eval.benchmarks.focus_train`")
    return FocusModel(*(np.array([data[k][n] for n in FEATURES], dtype=float) for k in ("mean", "scale", "weights")),
                      float(data["intercept"]))
