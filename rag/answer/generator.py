"""The generator role: turns a QueryPlan and retrieved hits into answer text with [n] markers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol

import numpy as np

from rag.schema import Citation, Hit, QueryPlan


@dataclass(frozen=True)
class Draft:
    """A generator's output before citation checking."""

    text: str
    citations: tuple[Citation, ...]
    answerable: bool
    notice: str | None = None


class Generator(Protocol):
    name: str

    def generate(self, plan: QueryPlan, hits: list[Hit], query_vector: np.ndarray | None = None) -> Draft: ...

    def stream(self, plan: QueryPlan, hits: list[Hit], query_vector: np.ndarray | None = None) -> Iterator[str]: ...


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
