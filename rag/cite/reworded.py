"""Paraphrase: a Vietnamese sentence whose every fact is attributed, failed only because its wording is not
the passage's ("đẩy mạnh" for "tăng cường", "Tại hội nghị" for "Dịp này", a clause summarised).

The lexical rules ask a sentence's words of the passage; a person summarising a passage uses other words.
When the only reasons a sentence fails are about wording (never a number, date, year, name, role,
quantifier, negation, contrary word or place), each part of the sentence the rules flag is compared by
meaning (e5) with the clauses the sentence matches; the sentence is supported when every flagged part is close
to one of them and the sentence as a whole is close to them read together. A clause taken from elsewhere
(an invented clause) is far from every clause of the passage, so it still fails.

Thresholds are chosen on the development half of the perturbation benchmark and the spent human sets
(eval/README.md, "Citation checker, issue 12d"); `python -m eval.benchmarks.checker_reworded_grid` re-runs it.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from rag.cite.text import match_syllables

# The reasons that are about wording only (support.py writes them); any other reason is about a fact.
WORDING = ("the passage does not say '", "the clauses this sentence matches do not say '",
           "the passage does not cover the sentence", "the sentence's facts sit in clauses that say something else")
_PART = re.compile(r"^(?:the passage does not say|the clauses this sentence matches do not say) '(.*)'")


def only_wording(reasons: Sequence[str]) -> bool:
    return bool(reasons) and all(r.startswith(WORDING) for r in reasons)


def flagged_parts(reasons: Sequence[str]) -> list[str]:
    """The parts of the sentence the wording rules quote (match forms)."""
    return [m.group(1) for r in reasons if (m := _PART.match(r))]


def reworded_scores(claim: str, parts: Sequence[str], local: Sequence[str], clauses: Sequence[str],
                    similarity: Callable[[str, Sequence[str]], float | None]) -> tuple[float, float] | None:
    """(similarity of the whole sentence to the clauses it matches, read together; lowest similarity of a
    flagged part to its closest clause of the passages). None without a model."""
    joined = " ".join(dict.fromkeys(local))
    whole = similarity(claim, [joined] if joined else list(clauses))
    if whole is None:
        return None
    worst = 1.0
    for part in parts:
        score = similarity(original_span(claim, part), list(clauses) + ([joined] if joined else []))
        worst = min(worst, score if score is not None else 0.0)
    return whole, worst


def original_span(claim: str, part_form: str) -> str:
    """The words of `claim` (with its diacritics: e5 reads them) whose match form is `part_form`."""
    words = re.findall(r"\S+", claim)
    forms = [match_syllables(w) for w in words]
    target = part_form.split()
    flat = [(s, i) for i, f in enumerate(forms) for s in f]
    for start in range(len(flat) - len(target) + 1):
        if [s for s, _ in flat[start:start + len(target)]] == target:
            first, last = flat[start][1], flat[start + len(target) - 1][1]
            return " ".join(words[first:last + 1])
    return part_form
