"""Sentence-aware chunking sized in tiktoken tokens, with sentence overlap between neighbours."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.schema import Article, Chunk
from rag.ingest.tokens import count_tokens
from rag.text.vietnamese import split_clauses, split_sentences


@dataclass(frozen=True)
class ChunkSettings:
    """Sizes in cl100k tokens. 320 tokens of Vietnamese is ~140 words, well inside e5's 512-piece window
    once the title line is added in front; smaller chunks retrieve more precisely on news text."""

    max_tokens: int = 320
    overlap_tokens: int = 60

    def as_dict(self) -> dict:
        return {"max_tokens": self.max_tokens, "overlap_tokens": self.overlap_tokens, "tokenizer": "cl100k_base"}


def _pieces(sentence: str, max_tokens: int) -> list[str]:
    """A sentence longer than a chunk is cut at semicolons, then commas, then words."""
    if count_tokens(sentence) <= max_tokens:
        return [sentence]
    # At a comma followed by a space, the comma kept: "4,8%" (a decimal comma) is never cut.
    for parts in (split_clauses(sentence), [p for p in re.split(r"(?<=,)\s+", sentence) if p.strip()]):
        if len(parts) > 1:
            out: list[str] = []
            for part in parts:
                out.extend(_pieces(part, max_tokens))
            return out
    words = sentence.split()
    if len(words) < 2:  # one "word" longer than a chunk (a URL, a data blob): cut it by characters
        half = len(sentence) // 2
        return _pieces(sentence[:half], max_tokens) + _pieces(sentence[half:], max_tokens)
    half = len(words) // 2
    return _pieces(" ".join(words[:half]), max_tokens) + _pieces(" ".join(words[half:]), max_tokens)


def chunk_article(article: Article, settings: ChunkSettings = ChunkSettings()) -> list[Chunk]:
    """Pack whole sentences into chunks of at most `max_tokens`; each chunk repeats the last sentences
    of the previous one (up to `overlap_tokens`) so a fact split across a boundary is still whole once."""
    sentences: list[tuple[str, int]] = []
    for paragraph in article.text.split("\n\n"):
        for sentence in split_sentences(paragraph):
            for piece in _pieces(sentence, settings.max_tokens):
                sentences.append((piece, count_tokens(piece)))

    groups: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    size = 0
    for sentence, n in sentences:
        if current and size + n > settings.max_tokens:
            groups.append(current)
            overlap: list[tuple[str, int]] = []
            budget = settings.overlap_tokens
            for prev in reversed(current):
                if prev[1] > budget:
                    break
                overlap.insert(0, prev)
                budget -= prev[1]
            current, size = overlap, sum(t for _, t in overlap)
            while current and size + n > settings.max_tokens:  # the overlap must not push it over budget
                size -= current.pop(0)[1]
        current.append((sentence, n))
        size += n
    if current:
        groups.append(current)

    return [
        Chunk(
            id=f"{article.id}#{i}",
            article_id=article.id,
            ordinal=i,
            text=" ".join(s for s, _ in group),
            sentences=tuple(s for s, _ in group),
            title=article.title,
            date=article.date,
            place=article.place,
            years=article.years,
            n_tokens=sum(t for _, t in group),
        )
        for i, group in enumerate(groups)
    ]


def answer_units(chunk: Chunk) -> list[str]:
    """The quotable pieces of a chunk: its sentences, with 'A; B; C' lists cut into clauses."""
    units: list[str] = []
    for sentence in chunk.sentences:
        clauses = split_clauses(sentence)
        units.extend(clauses if len(clauses) > 1 else [sentence])
    return units


def embedding_text(chunk: Chunk) -> str:
    """What the embedder sees: the title/date/place line, then the passage (helps chunks that never
    name their district, e.g. the middle of seed 004)."""
    return f"{chunk.header()}\n{chunk.text}"
