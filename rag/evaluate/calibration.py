"""Choosing the extractive answerer's decline threshold from a labelled question set (`rag calibrate`).

The extractive answerer declines when the score of its best answer piece is below `min_score`. For each
question this module records that score (None when nothing usable was retrieved: declined whatever the
threshold), then picks the threshold that minimises the balanced error: the share of answerable questions
declined plus the share of unanswerable questions answered, each class weighted equally whatever its size.
Ties are broken towards the middle of the best interval (the widest margin on both sides), so the choice
is reproducible and does not sit on one question's score. The choice can be stored in the index manifest
(`decline` in docs/ARCHITECTURE.md §4.3), so each corpus carries its own.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.evaluate.metrics import Question


@dataclass(frozen=True)
class Calibration:
    min_score: float
    answerable_declined: float  # share of answerable questions the threshold declines
    unanswerable_answered: float  # share of unanswerable questions it answers
    answerable: int
    unanswerable: int

    def to_dict(self) -> dict:
        return asdict(self)


def decision_scores(pipeline, questions: list[Question]) -> list[float | None]:
    """The score each question's answer is compared with (as `RagPipeline.answer` computes it)."""
    scores = []
    for q in questions:
        plan = pipeline.plan(q.question, list(q.history) or None)
        vector, hits = pipeline._retrieve(plan, None)
        scores.append(pipeline.generator.decision_score(plan, hits, vector))
    return scores


def error_rates(threshold: float, labelled: list[tuple[bool, float | None]]) -> tuple[float, float]:
    """(answerable declined, unanswerable answered) at this threshold; a None score is always declined."""
    answerable = [s for a, s in labelled if a]
    unanswerable = [s for a, s in labelled if not a]

    def answered(s):
        return s is not None and s >= threshold

    declined = sum(not answered(s) for s in answerable) / len(answerable) if answerable else 0.0
    accepted = sum(answered(s) for s in unanswerable) / len(unanswerable) if unanswerable else 0.0
    return declined, accepted


def choose_threshold(labelled: list[tuple[bool, float | None]]) -> Calibration:
    """The threshold with the least balanced error; the midpoint of the best run of candidate thresholds."""
    if not any(a for a, _ in labelled) or all(a for a, _ in labelled):
        raise ValueError("calibration needs both answerable and unanswerable questions")
    # An infinite score is a question the threshold does not decide (answered by another path).
    values = sorted({s for _, s in labelled if s is not None and math.isfinite(s)})
    # Candidates: below every score, between each pair of neighbours, above every score.
    candidates = [values[0] - 0.01] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [values[-1] + 0.01]
    errors = [sum(error_rates(t, labelled)) for t in candidates]
    best = min(errors)
    first = errors.index(best)
    last = first
    while last + 1 < len(errors) and errors[last + 1] == best:
        last += 1
    # The best interval runs from the score below candidates[first] to the one above candidates[last].
    low = values[first - 1] if first > 0 else candidates[first]
    high = values[last] if last < len(values) else candidates[last]
    threshold = round((low + high) / 2, 4)
    declined, accepted = error_rates(threshold, labelled)
    return Calibration(threshold, round(declined, 4), round(accepted, 4),
                       sum(a for a, _ in labelled), sum(not a for a, _ in labelled))


def store_in_manifest(index_path: Path, calibration: Calibration, questions_path: Path, sha256: str) -> dict:
    """Write the threshold into the index's manifest.json (atomically, under the index's write lock)."""
    from rag.index.locking import index_write_lock
    from rag.index.store import read_manifest

    with index_write_lock(index_path):
        manifest = read_manifest(index_path)
        manifest["decline"] = {
            "min_score": calibration.min_score,
            "calibrated_on": {"path": str(questions_path), "sha256": sha256,
                              "answerable": calibration.answerable, "unanswerable": calibration.unanswerable},
            "answerable_declined": calibration.answerable_declined,
            "unanswerable_answered": calibration.unanswerable_answered,
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        target = Path(index_path) / "manifest.json"
        tmp = target.with_name(".manifest.json.tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    return manifest
