"""The generator role: turns a QueryPlan and retrieved hits into answer text with [n] markers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator, Protocol, runtime_checkable

import numpy as np

from rag.schema import Citation, Hit, QueryPlan
from rag.text.vietnamese import fold, folded_syllables


@dataclass(frozen=True)
class Draft:
    """A generator's output before citation checking."""

    text: str
    citations: tuple[Citation, ...]
    answerable: bool
    notice: str | None = None


class Generator(Protocol):
    """What the pipeline calls on an answerer."""

    name: str  # the spec it was made from ("extractive", "openai:<model>", ...), for messages
    # Whether `generate` needs the question's e5 vector (the extractive answerer scores sentences with
    # it, and so does an LLM generator that falls back to it); the pipeline embeds the question only then
    # (or when dense retrieval needs it anyway).
    needs_query_vector: bool

    def generate(self, plan: QueryPlan, hits: list[Hit], query_vector: np.ndarray | None = None) -> Draft:
        """The answer to `plan` from `hits`, with [n] markers numbering its citations."""

    def stream_draft(self, plan: QueryPlan, hits: list[Hit], query_vector: np.ndarray | None = None
                     ) -> Iterator[str | Draft]:
        """Text pieces as they are written, then the Draft (whose text is the authoritative one)."""


@runtime_checkable
class Condenser(Protocol):
    """An answerer that can rewrite a follow-up as a standalone question (the LLM generators)."""

    def condense(self, history: list[str], question: str) -> str:
        """Raises BackendError when the backend fails."""


def decline_unmet_constraints(plan: QueryPlan, hits: list[Hit]) -> Draft | None:
    """The refusal every generator gives when no hit keeps the question's place/year constraints
    (saying which place or year no article covers); None when some hit keeps them."""
    if any(h.matches_constraints for h in hits):
        return None
    names = list(plan.unknown_places) if plan.unknown_places and not plan.places else []
    places = sorted({h.chunk.place.district for h in hits
                     if h.chunk.place.district and fold(h.chunk.place.district) in plan.places})
    return Draft(decline_text(plan, constraint_reason(plan, places or names)), (), False)


def hits_naming_unknown_places(plan: QueryPlan, hits: list[Hit], articles: dict) -> list[Hit]:
    """The hits, those whose article names in its title or text every place the question names that no article
    is filed under marked as keeping the constraint. An article is filed under one place (the gazetteer's), but a
    report on a session held in two provinces, or an inspection of another, is about each place it names; for a
    multi-point question that article is the answer, not a reason to decline. Only the retrieved hits are read
    (folding every article for each new name would cost seconds). A year constraint is left to the index's rule."""
    if not plan.unknown_places or plan.places or plan.years:
        return hits
    names = [f" {' '.join(folded_syllables(name))} " for name in plan.unknown_places]
    named: dict[str, bool] = {}
    for hit in hits:
        article_id = hit.chunk.article_id
        if article_id not in named:
            article = articles.get(article_id)
            text = f" {' '.join(folded_syllables(f'{article.title} {article.text}'))} " if article else ""
            named[article_id] = bool(text.strip()) and all(name in text for name in names)
    return [replace(h, matches_constraints=True) if named[h.chunk.article_id] else h for h in hits]


def decline_text(plan: QueryPlan, reason: str | None = None) -> str:
    """A plain refusal in the question's language, saying why when we know."""
    if plan.language == "en":
        base = "I could not find the answer to this question in the indexed articles"
    else:
        base = "Tôi không tìm thấy câu trả lời cho câu hỏi này trong các bài viết đã lập chỉ mục"
    return f"{base}{f' ({reason})' if reason else ''}."


def constraint_reason(plan: QueryPlan, place_names: list[str]) -> str | None:
    """Why no article can answer: an uncovered place or year, in the question's language."""
    if plan.unknown_places and not plan.places:
        names = ", ".join(plan.unknown_places)
        return f"no article covers {names}" if plan.language == "en" else f"không có bài viết nào về {names}"
    if plan.years:
        years = ", ".join(str(y) for y in plan.years)
        where = f" {', '.join(place_names)}" if place_names else ""
        if plan.language == "en":
            return f"no article covers{where} in {years}"
        return f"không có bài viết nào về{where} năm {years}"
    if place_names:
        names = ", ".join(place_names)
        return f"no article covers {names}" if plan.language == "en" else f"không có bài viết nào về {names}"
    return None
