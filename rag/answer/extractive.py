"""The default generator: no model; quotes the sentences or clauses of the top hits that answer the question.

Each candidate piece ("unit", embedded at index time) is scored by e5 similarity to the question, the
share of the question's content words it contains, and whether it holds what the question asks for
(a number for "bao nhiêu / how many", a name for "ai / who", a date for "khi nào / when"). It declines
when no piece clears the calibrated threshold or when no article meets the question's place/year.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Iterator

import numpy as np

from rag.text.dates import display_date, years_mentioned
from rag.text.names import NOT_PEOPLE, SURNAMES
from rag.answer.generator import Draft, decline_text, decline_unmet_constraints, hits_naming_unknown_places
from rag.answer.unit_maps import UnitMaps
from rag.index.constraints import place_keys
from rag.index.store import Index
from rag.schema import Citation, Hit, QueryPlan
from rag.text.crosslingual import folded_alternatives
from rag.text.vietnamese import QUESTION_WORDS_FOLDED, fold, folded_syllables, lexical_tokens

# A count stands alone: "36 đảng viên", "52.342/54.731", "6/18 xã", "95,6%"; not "Covid-19" or a date.
_COUNT = re.compile(r"(?<![\w/-])\d+(?:[.,]\d+)*(?:/\d+(?:[.,]\d+)*)?%?(?![\w/-])")
_FULL_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\bngày\s+\d{1,2}\b", re.I)
_PERSON = re.compile(rf"\b(?:{'|'.join(sorted(SURNAMES))})\s+(\w+)\s+(\w+)")


def _has_person(text: str) -> bool:
    """A full name: a common surname and two capitalised words ('Trần Văn Hưng'); two words alone
    would take places for people ('Cao Lãnh', 'Hà Nội')."""
    for name in NOT_PEOPLE:
        text = text.replace(name, " ")
    return any(m.group(1)[0].isupper() and m.group(2)[0].isupper() for m in _PERSON.finditer(text))


@dataclass(frozen=True)
class ExtractiveSettings:
    """Weights and the decline threshold. `min_score` is the default for an index whose manifest carries
    none: `rag calibrate eval/seeds.jsonl --index index/seeds` prints it (eval/README.md, "Decline threshold");
    `rag calibrate ... --store` writes a corpus's own into its manifest (`decline.min_score`), used instead.
    The other weights were set by hand on eval/seeds.jsonl; no script re-derives them."""

    lexical_weight: float = 0.15
    type_bonus: float = 0.05
    min_score: float = 0.9185  # rag calibrate eval/seeds.jsonl --index index/seeds (built with --source seeds)
    max_units: int = 2
    second_unit_margin: float = 0.02
    candidate_chunks: int = 8
    max_article_chunks: int = 40


def settings_for(manifest: dict | None) -> ExtractiveSettings:
    """The defaults, with the decline threshold the index's manifest carries (`rag calibrate --store`)."""
    stored = ((manifest or {}).get("decline") or {}).get("min_score")
    return replace(ExtractiveSettings(), min_score=float(stored)) if isinstance(stored, (int, float)) else ExtractiveSettings()


# Words that set the frame of a question (its place and time), not what it asks about.
_FRAME_SYLLABLES = frozenset("nam thang ngay huyen tinh xa quan uy thi tran dau cuoi bai viet noi tin bao".split())


def _term_groups(plan: QueryPlan) -> list[tuple[str, ...]]:
    """What a piece must contain to answer the question, as groups of folded alternatives.

    Vietnamese: each content syllable and each segmented compound ("ky luat"); English: glossary terms
    in Vietnamese plus names and numbers. Place names are left out: the retriever already holds them.
    """
    place_syllables = {s for key in plan.places for s in key.split()} | _FRAME_SYLLABLES
    if plan.language == "en":
        groups = folded_alternatives(plan.question)
        return [g for g in groups if not set(" ".join(g).split()) <= place_syllables and not g[0].isdigit()]
    text = plan.text.split(" (", 1)[0]  # the user's own words (restored), not what history added
    groups: list[tuple[str, ...]] = []
    for token in lexical_tokens(text):
        if "_" in token:
            parts = token.split("_")
            if set(parts) <= place_syllables or all(p in QUESTION_WORDS_FOLDED for p in parts):
                continue
            groups.append((" ".join(parts),))
        elif token not in QUESTION_WORDS_FOLDED and token not in place_syllables and not token.isdigit():
            groups.append((token,))
    return list(dict.fromkeys(groups))


def _contains(folded_text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded_text) is not None


def _has_count(text: str) -> bool:
    return any(not re.fullmatch(r"(19|20)\d{2}", n) for n in _COUNT.findall(_FULL_DATE.sub(" ", text)))


def _type_fit(kind: str, text: str) -> bool | None:
    """Whether a piece holds the kind of thing asked for (None when the question asks for nothing typed)."""
    if kind == "number":
        return _has_count(text)
    if kind == "date":
        return bool(_DATE.search(text))
    if kind == "person":
        return _has_person(text)
    return None


def _figure_for(plan: QueryPlan, quote: str) -> str | None:
    """For an English "how many" question, the one count that follows one of the question's terms
    closely in the Vietnamese quote ("kỷ luật 36 đảng viên" for "discipline"); None when it is not
    unambiguous, so the reader is never handed the wrong figure of several."""
    words = quote.split()
    folded_words = [fold(w) for w in words]
    found: set[str] = set()
    for group in _term_groups(plan):
        for alternative in group:
            size = len(alternative.split())
            for i in range(len(words) - size + 1):
                if " ".join(w.strip(",.;:()") for w in folded_words[i : i + size]) != alternative:
                    continue
                window = " ".join(words[i + size : i + size + 4])
                counts = [n for n in _COUNT.findall(_FULL_DATE.sub(" ", window)) if not re.fullmatch(r"(19|20)\d{2}", n)]
                if counts:
                    found.add(counts[0])
    return found.pop() if len(found) == 1 else None


class ExtractiveGenerator:
    """Satisfies `rag.answer.generator.Generator`."""

    name = "extractive"
    needs_query_vector = True

    def __init__(self, index: Index, settings: ExtractiveSettings | None = None) -> None:
        self.index = index
        self.settings = settings or settings_for(index.manifest)
        self._stats = index.term_stats
        maps = UnitMaps(index)  # per article, built when an answer first reads it
        self._units_of_row, self._next_clause = maps.units_of_row, maps.next_clause
        self._rows_of_article = maps.rows_of_article
        self.synthesis_settings = None  # None: the default SynthesisSettings (a benchmark may compare others)

    @cached_property
    def article_by_title(self) -> dict[str, str]:
        """Article id by accent-folded title (spacing aside): a question quoting a title names its article.
        Built on the first such question, once per index (a Synthesiser lives for one question)."""
        return {" ".join(folded_syllables(a.title)): i for i, a in self.index.articles.items()}

    def _score_units(self, plan: QueryPlan, hits: list[Hit], vector: np.ndarray) -> list[tuple[float, int, Hit]]:
        s = self.settings
        groups = _term_groups(plan)
        weights = [max(self._stats.idf(alt) for alt in group) for group in groups]
        scored: list[tuple[float, int, Hit]] = []
        seen: set[int] = set()
        for hit in self._candidates(plan, hits):
            for unit in self._units_of_row[hit.row]:
                if unit in seen:
                    continue
                seen.add(unit)
                text = self.index.units[unit][1]
                score = float(self.index.unit_vectors[unit] @ vector)
                score += s.lexical_weight * self._coverage(groups, weights, text)
                fit = _type_fit(plan.answer_type, text)
                if fit is False:
                    continue  # a "how many" answer without a number is not an answer
                if fit is True:
                    score += s.type_bonus
                if plan.years and not self._year_compatible(plan, text, hit):
                    continue
                scored.append((score, unit, hit))
        scored.sort(key=lambda t: t[0], reverse=True)
        return scored

    def _candidates(self, plan: QueryPlan, hits: list[Hit]) -> list[Hit]:
        """Every chunk of the best articles (one best article per place when several are named), then
        the next best chunks. Chunk ranking inside one article is the weak spot of cross-lingual
        retrieval, and pieces are cheap to score, so the whole article is read."""
        n = self.settings.candidate_chunks
        keys = plan.places if len(plan.places) > 1 else ("",)
        lead_articles: list[str] = []
        for key in keys:
            best = next((h for h in hits if not key or key in place_keys(h.chunk.place)), None)
            if best and best.chunk.article_id not in lead_articles:
                lead_articles.append(best.chunk.article_id)
        rows = [r for a in lead_articles for r in self._rows_of_article.get(a, [])][: self.settings.max_article_chunks]
        by_row = {h.row: h for h in hits}
        chosen = [by_row.get(r) or Hit(chunk=self.index.chunks[r], score=0.0, row=r) for r in rows]
        return list({h.row: h for h in chosen + hits[:n]}.values())

    @staticmethod
    def _coverage(groups: list[tuple[str, ...]], weights: list[float], text: str) -> float:
        """IDF-weighted share of the question's terms the piece contains. A question with no terms of its
        own ("What did Tháp Mười report in 2021?") is fully covered by any piece that meets its place and year."""
        total = sum(weights)
        if total <= 0:
            return 1.0
        folded = " ".join(folded_syllables(text))
        return sum(w for g, w in zip(groups, weights) if any(_contains(folded, a) for a in g)) / total

    @staticmethod
    def _year_compatible(plan: QueryPlan, text: str, hit: Hit) -> bool:
        """A piece answers for a year when it names that year, or names none and its article reports on it
        (or its article has no year at all, as encyclopedic text: then the year cannot rule it out)."""
        mentioned = set(years_mentioned(text))
        if mentioned:
            return bool(mentioned & set(plan.years))
        return not hit.chunk.years or bool(set(hit.chunk.years) & set(plan.years))

    def _select(self, plan: QueryPlan, scored: list[tuple[float, int, Hit]]) -> list[tuple[float, int, Hit]]:
        """The best piece; with two places asked, the best piece for each; for open questions, a close
        runner-up from another article."""
        if not scored:
            return []
        best = scored[0]
        if len(plan.places) > 1:
            chosen = []
            for key in plan.places:
                match = next((t for t in scored if key in place_keys(t[2].chunk.place)), None)
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

    def _quote(self, plan: QueryPlan, unit: int) -> str:
        """The unit's text; for 'who' questions, followed by the next clauses that also name people."""
        parts = [self.index.units[unit][1]]
        if plan.answer_type == "person":
            while unit in self._next_clause and len(parts) < 6:
                unit = self._next_clause[unit]
                text = self.index.units[unit][1]
                if not _has_person(text) or len(text.split()) > 30:
                    break
                parts.append(text)
        return "; ".join(parts)

    def _citation(self, plan: QueryPlan, marker: int, unit: int, hit: Hit) -> Citation:
        chunk = hit.chunk
        return Citation(
            marker=marker, article_id=chunk.article_id, chunk_id=chunk.id, title=chunk.title,
            date=chunk.date, place=chunk.place.label(), quote=self._quote(plan, unit), supported=None,
        )

    def _sentence(self, citation: Citation, plan: QueryPlan) -> str:
        language = plan.language
        quote = citation.quote.rstrip(" .;:")
        date = display_date(citation.date, language)
        source = ", ".join(p for p in (date, citation.place) if p)
        source = f" ({source})" if source else ""
        if language == "en":
            figure = _figure_for(plan, quote) if plan.answer_type == "number" else None
            lead = f"The figure reported is {figure}. " if figure else ""
            return f"{lead}According to “{citation.title}”{source}: “{quote}” [{citation.marker}]."
        return f"Theo bài “{citation.title}”{source}: {quote} [{citation.marker}]."

    def generate(self, plan: QueryPlan, hits: list[Hit], query_vector: np.ndarray | None = None) -> Draft:
        if plan.question_type not in ("factoid", "collection"):  # a factoid keeps the calibrated strict rule
            hits = hits_naming_unknown_places(plan, hits, self.index.articles)
        declined = decline_unmet_constraints(plan, hits)
        if declined:
            return declined
        usable = [h for h in hits if h.matches_constraints]
        if plan.question_type == "collection":
            from rag.answer.collection import answer_about_collection  # lazy: it imports this module

            return answer_about_collection(self.index, plan, usable)
        if query_vector is None:
            raise ValueError("the extractive generator needs the question's vector")
        if plan.question_type != "factoid":
            from rag.answer.synthesis import SynthesisSettings, Synthesiser

            return Synthesiser(self, self.synthesis_settings or SynthesisSettings()).answer(plan, usable, query_vector)
        chosen = self._chosen(plan, usable, query_vector)
        if not chosen or chosen[0][0] < self.settings.min_score:
            return Draft(decline_text(plan), (), False)
        citations = [self._citation(plan, i + 1, unit, hit) for i, (_, unit, hit) in enumerate(chosen)]
        text = " ".join(self._sentence(c, plan) for c in citations)
        return Draft(text, tuple(citations), True)

    def stream_draft(self, plan: QueryPlan, hits: list[Hit], query_vector: np.ndarray | None = None
                     ) -> Iterator[str | Draft]:
        """The answer is computed at once: its text as one piece, then the Draft."""
        draft = self.generate(plan, hits, query_vector)
        yield draft.text
        yield draft

    def _chosen(self, plan: QueryPlan, usable: list[Hit], query_vector: np.ndarray):
        return self._select(plan, self._score_units(plan, usable, query_vector))

    def decision_score(self, plan: QueryPlan, hits: list[Hit], query_vector: np.ndarray | None) -> float | None:
        """For calibration (rag/evaluate/calibration.py): the score `generate` compares with `min_score`,
        or None when it declines whatever the threshold (nothing usable retrieved)."""
        usable = [h for h in hits if h.matches_constraints]
        if not usable or query_vector is None:
            return None
        if plan.question_type != "factoid":  # answered (or not) by the synthesiser, whatever the threshold
            return math.inf if self.generate(plan, hits, query_vector).answerable else None
        chosen = self._chosen(plan, usable, query_vector)
        return chosen[0][0] if chosen else None
