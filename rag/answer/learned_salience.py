"""A learned salience score: how much of a human-written abstract an article's piece carries.

The hand-set salience of rag.answer.synthesis (weights stated per signal) did not generalise to new questions.
This scorer weighs the same general signals by a linear model fitted on VietNews articles with their human
abstracts: Party/government articles and pool-length articles of any topic that no evaluation uses, and the
digest benchmark's spent positions 1-210 (issue 11g), each piece (sentence or clause, as the synthesiser
offers them) labelled by the share of the abstract's facts it holds beyond the title
(`python -m eval.benchmarks.salience_train`, which writes `salience_model.json` beside this file).

Features (`FEATURES`, each in [0, 1]) are what the answerer computes anyway: position in the article, length,
figures and names beyond the title, named documents, decisions, reported speech, time cues,
overlap with the title, restating the title, e5 similarity to the article's centroid, people and roles; since
issue 11g also the second and third sentence, every number as written and figures plus new names per word.
No feature is tied to a question or an article. The directive mood (rag.answer.mood) was a feature of the
first fit; its weight was near zero (-0.015) and its tagger cost ~1 ms a piece, so it was left to plans' own
`directive_salience`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.answer.extractive import _has_count, _has_person
from rag.answer.salience import (CREDIT, DECISION, NAMED_THING, ROLE, SPEECH, SPEECH_FRAME, TITLED, beyond_title,
                                 capitalised_names, restates_title)
from rag.answer.tense import FORWARD, PAST
from rag.text.dates import years_mentioned
from rag.text.vietnamese import folded_syllables

MODEL_PATH = Path(__file__).with_name("salience_model.json")

FEATURES = ("bias", "position", "first", "early", "words", "log_words", "count", "beyond_title", "new_names",
            "named_thing", "decision", "speech", "speech_frame", "forward", "past", "names_year",
            "title_overlap", "restates_title", "centroid", "person", "role", "credit", "clause",
            "second", "third", "numbers", "density")

# Any number as written (dates and years too: "11/7", "2018"), as a reader of a summary checks one.
_NUMBER = re.compile(r"(?<![\w/.,-])\d+(?:[.,/]\d+)*%?(?![\w])")


def piece_features(text: str, rank: int, n_units: int, title: set[str], centre: float, clause: bool) -> list[float]:
    """The feature vector of one piece. `rank` is its sentence's place among the article's (0 first),
    `centre` its e5 similarity to the article's centroid spread to [0, 1] over the article, `clause` whether
    it is a cut of a longer sentence."""
    words = len(text.split())
    lowered = text.lower()
    syllables = set(folded_syllables(text))
    new_names = {m for m in capitalised_names(text) if not set(folded_syllables(m)) <= title}
    numbers = {n for n in _NUMBER.findall(text) if n not in title}
    return [
        1.0,
        1.0 - rank / max(1, n_units - 1),
        float(rank == 0),
        float(rank < 3),
        min(words, 60) / 60,
        math.log1p(min(words, 60)) / math.log1p(60),
        float(_has_count(text)),
        min(3, len(beyond_title(text, title))) / 3,
        min(3, len(new_names)) / 3,
        float(bool(NAMED_THING.search(text))),
        float(bool(DECISION.search(lowered))),
        float(bool(SPEECH.search(text))),
        float(bool(SPEECH_FRAME.search(text))),
        float(bool(FORWARD.search(lowered))),
        float(bool(PAST.search(lowered))),
        float(bool(years_mentioned(text))),
        len(title & syllables) / max(1, len(title)),
        float(restates_title(text, title)),
        centre,
        float(bool(_has_person(text) or TITLED.search(text))),
        float(bool(ROLE.search(lowered))),
        float(bool(CREDIT.search(text))),
        float(clause),
        float(rank == 1),
        float(rank == 2),
        min(3, len(numbers)) / 3,
        min(1.0, 5 * (len(numbers) + len(new_names)) / max(words, 1)),  # figures and new names per word
    ]


def spread(x: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1] (all ones when constant)."""
    return (x - x.min()) / (x.max() - x.min()) if len(x) and x.max() > x.min() else np.ones_like(x)


def article_features(texts: list[str], units: list[int], unit_vectors: np.ndarray, title: str) -> np.ndarray:
    """The feature matrix of one article's pieces (texts in reading order, each with its unit; the first piece
    of a unit is the whole sentence, later ones its clauses)."""
    order = sorted(set(units))
    rank = {u: i for i, u in enumerate(order)}
    vectors = unit_vectors[order]
    centre = dict(zip(order, spread(vectors @ vectors.mean(axis=0))))
    title_syllables = set(folded_syllables(title))
    seen: set[int] = set()
    rows = []
    for text, unit in zip(texts, units):
        rows.append(piece_features(text, rank[unit], len(order), title_syllables, float(centre[unit]), unit in seen))
        seen.add(unit)
    return np.array(rows, dtype=float)


@dataclass(frozen=True)
class SalienceModel:
    weights: np.ndarray

    def score(self, features: np.ndarray) -> np.ndarray:
        return features @ self.weights


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> SalienceModel:
    """The fitted weights; a clear error when the file is missing or was fitted on other features."""
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `python -m eval.benchmarks.salience_train` to fit it")
    data = json.loads(path.read_text(encoding="utf-8"))
    names = tuple(data["features"])
    if names != FEATURES:
        raise ValueError(f"{path} was fitted on other features ({len(names)}); re-run "
                         "`python -m eval.benchmarks.salience_train`")
    return SalienceModel(np.array([data["weights"][n] for n in FEATURES], dtype=float))
