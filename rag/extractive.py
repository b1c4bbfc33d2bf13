"""The default generator: no model; quotes the sentences or clauses of the top hits that answer the question.

Each candidate piece ("unit", embedded at index time) is scored by e5 similarity to the question, the
share of the question's content words it contains, and whether it holds what the question asks for
(a number for "bao nhiêu / how many", a name for "ai / who", a date for "khi nào / when"). It declines
when no piece clears the calibrated threshold or when no article meets the question's place/year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .articles import years_mentioned
from .chunking import answer_units
from .generation import Draft, constraint_reason, decline_text
from .index import Index
from .schema import Citation, Hit, QueryPlan
from .vietnamese import ENGLISH_STOPWORDS, QUESTION_WORDS_FOLDED, fold, folded_syllables

_COUNT = re.compile(r"(?<![\d/])\d+(?:[.,]\d+)*%?(?![\d/])")
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\bngày\s+\d{1,2}\b", re.I)
_SURNAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Lâm Trương Đoàn Mai "
    "Cao Lương Tô Tạ Châu Hà Thái Văn Lưu Kiều Quách Tăng Trịnh"
).split()
_PERSON = re.compile(rf"\b(?:{'|'.join(_SURNAMES)})\s+(\w+)")


def _has_person(text: str) -> bool:
    """A full name: a common surname followed by a capitalised word ('Nguyễn Văn Vũ Minh')."""
    return any(m.group(1)[0].isupper() for m in _PERSON.finditer(text))


@dataclass(frozen=True)
class ExtractiveSettings:
    """Weights and the decline threshold. `min_score` was calibrated on eval/seeds.jsonl (our own set;
    see eval/README.md): it sits between the best-unit scores of answerable and unanswerable questions."""

    lexical_weight: float = 0.15
    type_bonus: float = 0.05
    type_penalty: float = 0.08
    year_penalty: float = 0.10
    min_score: float = 0.86
    max_units: int = 2
    second_unit_margin: float = 0.02
    candidate_chunks: int = 4


def _content_tokens(question: str, place_keys: tuple[str, ...]) -> set[str]:
    place_syllables = {s for key in place_keys for s in key.split()}
    return {
        t for t in folded_syllables(question)
        if t not in QUESTION_WORDS_FOLDED and t not in ENGLISH_STOPWORDS and t not in place_syllables
        and not t.isdigit()
    }


def _has_count(text: str) -> bool:
    return any(not re.fullmatch(r"(19|20)\d{2}", n) for n in _COUNT.findall(text))


def _type_fit(kind: str, text: str) -> bool | None:
    """Whether a piece holds the kind of thing asked for (None when the question asks for nothing typed)."""
    if kind == "number":
        return _has_count(text)
    if kind == "date":
        return bool(_DATE.search(text))
    if kind == "person":
        return _has_person(text)
    return None


def format_date(iso: str | None, language: str) -> str | None:
    if not iso:
        return None
    year, month, day = iso.split("-")
    return f"{int(day)}/{int(month)}/{year}" if language == "vi" else iso


class ExtractiveGenerator:
    name = "extractive"

    def __init__(self, index: Index, settings: ExtractiveSettings = ExtractiveSettings()) -> None:
        self.index = index
        self.settings = settings
        by_text = {(index.chunks[row].article_id, text): i for i, (row, text) in enumerate(index.units)}
        self._units_of_row = [
            [by_text[(chunk.article_id, u)] for u in answer_units(chunk) if (chunk.article_id, u) in by_text]
            for chunk in index.chunks
        ]

    def _score_units(self, plan: QueryPlan, hits: list[Hit], vector: np.ndarray) -> list[tuple[float, int, Hit]]:
        s = self.settings
        content = _content_tokens(plan.question, plan.places)
        scored: list[tuple[float, int, Hit]] = []
        seen: set[int] = set()
        for hit in hits[: s.candidate_chunks]:
            for unit in self._units_of_row[hit.row]:
                if unit in seen:
                    continue
                seen.add(unit)
                text = self.index.units[unit][1]
                score = float(self.index.unit_vectors[unit] @ vector)
                if content:
                    unit_tokens = set(folded_syllables(text))
                    score += s.lexical_weight * len(content & unit_tokens) / len(content)
                fit = _type_fit(plan.answer_type, text)
                if fit is True:
                    score += s.type_bonus
                elif fit is False:
                    score -= s.type_penalty
                if plan.years:
                    mentioned = set(years_mentioned(text))
                    if mentioned and not mentioned & set(plan.years):
                        score -= s.year_penalty
                scored.append((score, unit, hit))
        scored.sort(key=lambda t: t[0], reverse=True)
        return scored

    def _select(self, plan: QueryPlan, scored: list[tuple[float, int, Hit]]) -> list[tuple[float, int, Hit]]:
        """The best piece; with two places asked, the best piece for each; for open questions, a close
        runner-up from another article."""
        if not scored:
            return []
        best = scored[0]
        if len(plan.places) > 1:
            chosen = []
            for key in plan.places:
                match = next((t for t in scored if key in {fold(p) for p in (t[2].chunk.place.district, t[2].chunk.place.province) if p}), None)
                if match and match not in chosen:
                    chosen.append(match)
            return chosen or [best]
        chosen = [best]
        if plan.answer_type == "other":
            for candidate in scored[1:]:
                if len(chosen) >= self.settings.max_units:
                    break
                if best[0] - candidate[0] <= self.settings.second_unit_margin and candidate[2].chunk.article_id != best[2].chunk.article_id:
                    chosen.append(candidate)
        return chosen

    def _citation(self, marker: int, unit: int, hit: Hit, language: str) -> Citation:
        chunk = hit.chunk
        return Citation(
            marker=marker, article_id=chunk.article_id, chunk_id=chunk.id, title=chunk.title,
            date=chunk.date, place=chunk.place.label(), quote=self.index.units[unit][1], supported=None,
        )

    def _sentence(self, citation: Citation, language: str) -> str:
        quote = citation.quote.rstrip(" .;:")
        date = format_date(citation.date, language)
        source = ", ".join(p for p in (date, citation.place) if p)
        source = f" ({source})" if source else ""
        if language == "en":
            return f"According to “{citation.title}”{source}: “{quote}” [{citation.marker}]."
        return f"Theo bài “{citation.title}”{source}: {quote} [{citation.marker}]."

    def generate(self, plan: QueryPlan, hits: list[Hit], query_vector: np.ndarray | None = None) -> Draft:
        usable = [h for h in hits if h.matches_constraints]
        if not usable:
            names = [p for p in plan.unknown_places] if plan.unknown_places and not plan.places else []
            place_names = sorted({h.chunk.place.district for h in hits if h.chunk.place.district and fold(h.chunk.place.district) in plan.places})
            return Draft(decline_text(plan, constraint_reason(plan, place_names or names)), (), False)
        if query_vector is None:
            raise ValueError("the extractive generator needs the question's vector")
        scored = self._score_units(plan, usable, query_vector)
        chosen = self._select(plan, scored)
        if not chosen or chosen[0][0] < self.settings.min_score:
            return Draft(decline_text(plan), (), False)
        citations = [self._citation(i + 1, unit, hit, plan.language) for i, (_, unit, hit) in enumerate(chosen)]
        text = " ".join(self._sentence(c, plan.language) for c in citations)
        return Draft(text, tuple(citations), True)

    def stream(self, plan: QueryPlan, hits: list[Hit], query_vector: np.ndarray | None = None) -> Iterator[str]:
        yield self.generate(plan, hits, query_vector).text

    def best_unit_score(self, plan: QueryPlan, hits: list[Hit], query_vector: np.ndarray) -> float | None:
        """For calibration: the score the decline threshold is compared with."""
        scored = self._score_units(plan, [h for h in hits if h.matches_constraints], query_vector)
        return scored[0][0] if scored else None
