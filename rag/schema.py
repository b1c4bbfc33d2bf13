"""Frozen values that cross pipeline stages: Article, Chunk, Hit, Citation, Answer, QueryPlan."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    """Where an article is from; `district` and `province` are display forms with diacritics."""

    district: str | None = None
    province: str | None = None

    def label(self) -> str:
        return ", ".join(p for p in (self.district, self.province) if p)


@dataclass(frozen=True)
class Article:
    """One cleaned article. `id` is the file stem (contract); `text` is the clean body, paragraphs split by blank lines."""

    id: str
    title: str
    text: str
    date: str | None = None  # ISO yyyy-mm-dd as printed, or None
    place: Place = field(default_factory=Place)
    years: tuple[int, ...] = ()  # years the article reports on
    byline: str | None = None
    source: str = ""
    url: str | None = None


def source_line(*parts: str | None) -> str:
    """The "title · date · place" line that introduces a passage (to e5, the LLM, the checker and a
    reader), from whichever parts are known."""
    return " · ".join(p for p in parts if p)


@dataclass(frozen=True)
class Chunk:
    """A passage of an article; `text` is the passage alone, `sentences` its sentence split."""

    id: str  # "<article_id>#<n>"
    article_id: str
    ordinal: int
    text: str
    sentences: tuple[str, ...]
    title: str
    date: str | None
    place: Place
    years: tuple[int, ...]
    n_tokens: int

    def header(self) -> str:
        """Title · date · place line that is embedded in front of the passage."""
        return source_line(self.title, self.date, self.place.label())


@dataclass(frozen=True)
class QueryPlan:
    """What the question asks, as understood before retrieval."""

    question: str  # the user's words
    text: str  # what is searched (the question completed from history)
    language: str  # "vi" or "en"
    places: tuple[str, ...] = ()  # gazetteer keys (folded district/province names) found in the question
    unknown_places: tuple[str, ...] = ()  # places named in the question that the corpus does not cover
    years: tuple[int, ...] = ()
    answer_type: str = "other"  # number | person | date | place | other
    keyword_text: str = ""  # what BM25 searches: diacritics restored, English terms given in Vietnamese
    question_type: str = "factoid"  # factoid | report | plan | list | comparison | digest | collection


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the ranks it had in each retriever."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None
    matches_constraints: bool = True  # False: ranked only for completeness, breaks the question's place/year
    row: int = -1  # position of the chunk in its index


@dataclass(frozen=True)
class Citation:
    """One [n] in an answer, resolved to its chunk and the quoted span."""

    marker: int
    article_id: str
    chunk_id: str
    title: str
    date: str | None
    place: str
    quote: str
    supported: bool | None = None


@dataclass(frozen=True)
class Answer:
    """What `RagPipeline.answer` returns; `to_dict` is the `rag ask --json` contract."""

    question: str
    text: str
    answerable: bool
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    timings_ms: dict[str, float]
    plan: QueryPlan | None = None
    notice: str | None = None

    def to_dict(self, question_id: str | None = None) -> dict:
        out: dict = {}
        if question_id is not None:
            out["id"] = question_id
        out.update(
            question=self.question,
            answer=self.text,
            answerable=self.answerable,
            question_type=self.plan.question_type if self.plan else "factoid",
            citations=[
                {
                    "marker": c.marker,
                    "article_id": c.article_id,
                    "chunk_id": c.chunk_id,
                    "title": c.title,
                    "date": c.date,
                    "place": c.place,
                    "quote": c.quote,
                    "supported": c.supported,
                }
                for c in self.citations
            ],
            retrieved=[
                {"article_id": h.chunk.article_id, "chunk_id": h.chunk.id, "score": round(h.score, 6)}
                for h in self.hits
            ],
            timings_ms={k: round(v, 2) for k, v in self.timings_ms.items()},
        )
        if self.notice:
            out["notice"] = self.notice
        return out
