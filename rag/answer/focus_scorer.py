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

from rag.answer.extractive import _has_count, _has_person
from rag.answer.mood import is_directive
from rag.answer.salience import (
    DECISION,
    NAMED_THING,
    ROLE,
    SPEECH,
    SPEECH_FRAME,
    TITLED,
    capitalised_names,
)
from rag.answer.tense import FORWARD as _FORWARD
from rag.answer.tense import PAST as _PAST
from rag.schema import QueryPlan
from rag.text.dates import years_mentioned
from rag.text.vietnamese import folded_syllables

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


def piece_parts(plan: QueryPlan, text: str, kind: str, title: set[str], speech: bool, q: float, c: float,
                position: float, hand: float, restates: bool, *, coverage: float, tense: float, max_piece_words: int,
                clause: bool) -> dict[str, float]:
    """What a piece's score is made of, each part on its own (`Synthesiser._parts` computes the article-level
    inputs: the question-term coverage, its section's tense, whether it is a clause cut from a sentence)."""
    lowered = text.lower()
    new_names = {m for m in capitalised_names(text) if not set(folded_syllables(m)) <= title}
    return {
        "question": float(q), "centroid": float(c), "coverage": coverage,
        "salience": hand, "count": float(_has_count(text)), "new_names": min(3, len(new_names)) / 3,
        "named_thing": float(bool(NAMED_THING.search(text))), "decision": float(bool(DECISION.search(lowered))),
        "person": float(bool(_has_person(text) or TITLED.search(text))),
        "speech": float(speech and bool(SPEECH.search(text))), "position": float(position),
        "restates_title": float(restates), "forward": float(bool(_FORWARD.search(lowered))),
        "past": float(bool(_PAST.search(lowered))),
        "names_year": float(bool(set(years_mentioned(text)) & set(plan.years))),
        "section_tense": float(tense), "speech_frame": float(bool(SPEECH_FRAME.search(text))),
        "words": len(text.split()) / max_piece_words,
        "clause": float(clause),
        "directive": float(is_directive(text)) if kind == "plan" else 0.0,
        "roles": min(2, len(ROLE.findall(lowered))) / 2,
    }


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
