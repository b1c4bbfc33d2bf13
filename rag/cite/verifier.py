"""A learned verifier for what the rules leave open (issue 12e).

The rules of rag/cite/support.py decide every fact: a number, date, year, name, role, quantifier, negation,
contrary word, place or an instruction in the source is a veto, and the verifier never overrides one. What the
rules judge only by wording is left to this model: a Vietnamese sentence they pass (every fact attributed, most
words found) may still add a clause the passage does not say, and a sentence they fail on wording alone may be
a paraphrase. Two logistic regressions, one per case, read the rules' own measures (coverage shares, the
weakest part's share of words, how many parts they flag, how many facts they anchored) and, for the wording
case only, the e5 similarities of the paraphrase rule (rag/cite/reworded.py): e5 is not run for a sentence the
rules pass, so the checker's cost per answer stays that of the rules.

Weights and thresholds are rag/cite/verifier.json, written by `python -m eval.benchmarks.checker_train`
(development half of the perturbation benchmark and the spent human pairs; thresholds by grouped
cross-validation, see that script). Inference is a dot product in numpy.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

DEFAULT_PATH = Path(__file__).with_name("verifier.json")

# the lexical measures, for both cases; the wording case adds the e5 ones
LEXICAL = ("coverage", "local_coverage", "weakest_part", "weakest_local_part", "parts", "content_words",
           "facts", "best_share", "relevant_clauses", "joins_neighbour", "unstated_context",
           "flagged_parts", "flagged_local_parts", "coverage_failed")
SEMANTIC = ("whole_similarity", "worst_part_similarity")
FEATURES = {"passed": LEXICAL, "wording": LEXICAL + SEMANTIC}


@dataclass(frozen=True)
class Stage:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.intercept + sum(c * (features.get(n, 0.0) - m) / s
                                 for n, m, s, c in zip(self.names, self.mean, self.scale, self.coef))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class Verifier:
    stages: Mapping[str, Stage]

    def supports(self, stage: str, features: Mapping[str, float]) -> tuple[bool, float] | None:
        """(supported, probability) by the model of `stage`; None when the file has no model for it."""
        model = self.stages.get(stage)
        if model is None:
            return None
        p = model.probability(features)
        return p >= model.threshold, p

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> "Verifier":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            stages = {name: Stage(tuple(s["names"]), tuple(s["mean"]), tuple(s["scale"]), tuple(s["coef"]),
                                  float(s["intercept"]), float(s["threshold"])) for name, s in data["stages"].items()}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"cannot read the checker's verifier model {path}: {exc}. Fix: rebuild it with "
                             "`python -m eval.benchmarks.checker_train`") from exc
        for name, stage in stages.items():
            if name not in FEATURES or stage.names != FEATURES[name]:
                raise ValueError(f"the verifier model {path} was built for other features ({name}). Fix: rebuild it "
                                 "with `python -m eval.benchmarks.checker_train`")
        return cls(stages)


def default_verifier() -> Verifier | None:
    return Verifier.load(DEFAULT_PATH) if DEFAULT_PATH.exists() else None
