"""The checker run on every answer (markers are read by rag.cite.markers), with citation recall and precision in the sense of ALCE (Gao et al., 2023).

Recall: the share of an answer's sentences that their citations, taken together, support.
Precision: the share of (sentence, citation) pairs where the citation helps: it supports the sentence
alone, or the sentence is supported and stops being so without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Mapping, Sequence

from rag.cite.markers import (MarkerRewriter, Renumbered, markers_in, move_markers_before_stop,  # noqa: F401
                              parse_marker, renumber)
from rag.cite.slots import Passage, groups, items, overlap, prepare_passage
from rag.cite.text import match_form, sentence_language
from rag.cite.support import SupportChecker, claim_text
from rag.schema import Chunk, Citation, Hit, source_line
from rag.text.vietnamese import split_sentences

_DECLINES = tuple(match_form(p) for p in (
    "không tìm thấy câu trả lời", "không tìm thấy thông tin", "không có thông tin", "không đủ thông tin",
    "các nguồn không", "nguồn không đề cập", "could not find the answer", "cannot find the answer",
    "do not contain the answer", "does not contain the answer", "not in the sources", "no information",
    "cannot answer", "can't answer", "don't know", "do not know", "không thể trả lời", "tôi không biết",
))


def split_answer(text: str) -> list[str]:
    """Sentences of an answer; a marker written after the full stop ('... mới. [1] Huyện ...') stays
    with the sentence before it."""
    return [s for s in split_sentences(move_markers_before_stop(text)) if claim_text(s)]


def is_decline(text: str) -> bool:
    """Whether a sentence says the sources do not hold the answer."""
    form = match_form(text)
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", form) for p in _DECLINES)


@dataclass(frozen=True)
class SentenceCheck:
    text: str
    markers: tuple[int, ...]
    supported: bool | None  # None: not a claim (a refusal)
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerCheck:
    """The checker's output for one answer; `to_dict` is the `rag check --json` contract."""

    sentences: tuple[SentenceCheck, ...]
    citations: dict[int, bool]  # marker -> supported (every sentence citing it is helped by it)
    citation_recall: float | None
    citation_precision: float | None

    def to_dict(self, answer_id: str | None = None) -> dict:
        out: dict = {} if answer_id is None else {"id": answer_id}
        out["sentences"] = [{"text": s.text, "markers": list(s.markers), "supported": s.supported,
                             **({"reasons": list(s.reasons)} if s.reasons else {})} for s in self.sentences]
        out["citations"] = [{"marker": m, "supported": ok} for m, ok in sorted(self.citations.items())]
        out["citation_recall"] = None if self.citation_recall is None else round(self.citation_recall, 4)
        out["citation_precision"] = None if self.citation_precision is None else round(self.citation_precision, 4)
        return out


def check_answer(text: str, sources: Mapping[int, Passage], checker: SupportChecker,
                 wider: Mapping[int, Sequence[Passage]] | None = None) -> AnswerCheck:
    """Check every sentence against the passages it cites (sources are keyed by marker). `wider`: for a
    marker, its passage read together with a neighbour (a chunk and the next one of its article): a sentence
    the passage alone does not support, but covers for the most part, is supported when one of these does."""
    sentences: list[SentenceCheck] = []
    pairs: dict[int, list[bool]] = {}
    for sentence in split_answer(text):
        markers = tuple(markers_in(sentence))
        if not markers:
            claim = not is_decline(sentence)
            sentences.append(SentenceCheck(sentence, (), False if claim else None,
                                           ("no citation",) if claim else ()))
            continue
        cited = [sources[m] for m in markers if m in sources]
        verdict = checker.check(sentence, cited)
        if not verdict.supported and wider:
            verdict = _across_boundary(checker, sentence, markers, sources, wider, verdict)
        reasons = verdict.reasons + verdict.notes + tuple(f"no source [{m}]" for m in markers if m not in sources)
        supported = verdict.supported and all(m in sources for m in markers)
        sentences.append(SentenceCheck(sentence, markers, supported, reasons))
        for m in markers:
            pairs.setdefault(m, []).append(_helps(checker, sentence, m, markers, sources, supported))
    claims = [s for s in sentences if s.supported is not None]
    flat = [ok for oks in pairs.values() for ok in oks]
    return AnswerCheck(
        sentences=tuple(sentences),
        citations={m: all(oks) for m, oks in pairs.items()},
        citation_recall=sum(1 for s in claims if s.supported) / len(claims) if claims else None,
        citation_precision=sum(flat) / len(flat) if flat else None,
    )


# A chunk must hold this share of a sentence's words for the sentence to be read as running on past its end.
MIN_OWN_COVERAGE = 0.5


def _across_boundary(checker: SupportChecker, sentence: str, markers: tuple[int, ...], sources: Mapping[int, Passage],
                     wider: Mapping[int, Sequence[Passage]], verdict):
    if verdict.coverage < MIN_OWN_COVERAGE:
        return verdict
    for m in markers:
        for joined in wider.get(m, ()):
            cited = [joined if k == m else sources[k] for k in markers if k in sources]
            again = checker.check(sentence, cited)
            if again.supported:
                return replace(again, notes=again.notes + (f"the evidence of [{m}] runs on into the neighbouring chunk",))
    return verdict


def _helps(checker: SupportChecker, sentence: str, marker: int, markers: tuple[int, ...],
           sources: Mapping[int, Passage], supported: bool) -> bool:
    if marker not in sources:
        return False
    if len(markers) == 1:
        return supported
    if checker.check(sentence, [sources[marker]]).supported:
        return True
    others = [sources[m] for m in markers if m != marker and m in sources]
    return supported and not checker.check(sentence, others).supported


# ---------------------------------------------------------------- passages and quotes


def chunk_passage(chunk: Chunk) -> Passage:
    return prepare_passage(chunk.text, chunk.header(), tuple(chunk.years))


def citation_passage(citation: Citation) -> Passage:
    """When the cited chunk is not at hand, its quote and metadata are the evidence."""
    return prepare_passage(citation.quote, source_line(citation.title, citation.date, citation.place))


def best_quote(sentence: str, chunk_text: str) -> str:
    """The clause of the passage that shares most with the sentence: the quoted span of a citation."""
    claim = claim_text(sentence)
    language = sentence_language(claim)
    content = groups([it.value for it in items(claim, language) if it.kind == "w"], language)
    clauses = prepare_passage(chunk_text).clauses
    if not clauses:
        return chunk_text.strip()
    return max(clauses, key=lambda c: overlap(content, c.syllables)).text


def make_pipeline_checker(embedder=None, chunks: Mapping[str, Chunk] | None = None,
                          checker: SupportChecker | None = None
                          ) -> Callable[[str, list[Citation], list[Hit]], tuple[Citation, ...]]:
    """What `build_pipeline` plugs in: returns the citations with `supported` set by the checker.

    A citation's chunk is looked up in the hits, then in `chunks` (the index's, when given), else its own
    quote and metadata stand for it.
    """
    checker = checker or SupportChecker(embedder)

    def check(answer_text: str, citations: Sequence[Citation], hits: Sequence[Hit]) -> tuple[Citation, ...]:
        if not citations:
            return ()
        by_id = {h.chunk.id: h.chunk for h in hits}
        sources: dict[int, Passage] = {}
        for c in citations:
            chunk = by_id.get(c.chunk_id) or (chunks or {}).get(c.chunk_id)
            sources[c.marker] = chunk_passage(chunk) if chunk else citation_passage(c)
        result = check_answer(answer_text, sources, checker)
        return tuple(replace(c, supported=result.citations.get(c.marker, False)) for c in citations)

    return check
