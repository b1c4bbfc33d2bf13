"""Questions about the collection itself: how many and which articles cover a place or period, who wrote
them, when they were published, which places they name. Answered from the index's metadata (place,
date, years, byline) with every article cited by its opening sentence, never from a sentence that only
happens to look like the question."""

from __future__ import annotations

import re
from collections import Counter

from rag.answer.bullets import Bullet, Section, render, source_label
from rag.answer.extractive import _term_groups
from rag.answer.generator import Draft, constraint_reason, decline_text
from rag.index.constraints import place_keys
from rag.index.store import Index
from rag.schema import Article, Hit, QueryPlan
from rag.text.vietnamese import fold, folded_syllables, split_clauses

# What is asked about the articles (accent-folded cue words; see rag/retrieve/question_types.py).
_FACETS = (
    ("author", r"\b(ai viet|who wrote|tac gia|authors?|nguoi viet)\b"),
    ("places", r"\b(huyen|tinh|xa|quan|dia phuong|places|districts|provinces|localities) nao\b|\bwhich (places|districts|provinces)\b|\bwhat (places|districts|provinces)\b"),
    ("published", r"\b(dang (khi nao|ngay nao|luc nao|vao)|xuat ban|published|when)\b"),
    ("count", r"\b(bao nhieu|how many|so luong)\b"),
)
# Words of a collection question that name the articles or the asking, not a topic to look for.
_FRAME = frozenset(
    "bai viet bao tin article articles story stories report reports news nao which what how many bao nhieu "
    "ai who wrote write written tac gia author authors dang published publish xuat ban khi when nhac toi den "
    "de cap mention mentioned mentions cover covered covers about ve co nhung cac duoc huyen tinh xa quan "
    "places districts provinces dia phuong noi".split())
_MAX_LISTED = 12
_LEDE_WORDS = 40


def _facet(question: str) -> str:
    folded = fold(question)
    return next((name for name, pattern in _FACETS if re.search(pattern, folded)), "which")


def _topic_groups(plan: QueryPlan) -> list[tuple[str, ...]]:
    return [g for g in _term_groups(plan) if not set(" ".join(g).split()) <= _FRAME]


def article_years(article: Article) -> set[int]:
    """The years an article reports on, and the year it was published."""
    return set(article.years) | ({int(article.date[:4])} if article.date else set())


def matching_articles(index: Index, plan: QueryPlan) -> list[Article]:
    """Articles that meet the question's place, year and topic words, oldest first (undated last)."""
    found = []
    groups = _topic_groups(plan)
    for article in index.articles.values():
        if plan.places and not set(place_keys(article.place)) & set(plan.places):
            continue
        if plan.years and not article_years(article) & set(plan.years):
            continue
        if groups:
            text = " " + " ".join(folded_syllables(f"{article.title} {article.text}")) + " "
            if not all(any(f" {alt} " in text for alt in g) for g in groups):
                continue
        found.append(article)
    return sorted(found, key=lambda a: (a.date or "9999", a.title))


def _lede(index: Index, article: Article) -> tuple[str, Hit] | None:
    """The article's first sentence (its first clause when long), with the chunk that holds it."""
    # The chunk → article column, so only this article's chunk rows are read (rows are read lazily).
    for row, article_id in enumerate(index.chunk_article_ids):
        if article_id != article.id:
            continue
        chunk = index.chunks[row]
        if chunk.sentences:
            sentence = chunk.sentences[0]
            if len(sentence.split()) > _LEDE_WORDS:
                sentence = split_clauses(sentence)[0]
            return sentence, Hit(chunk=chunk, score=0.0, row=row)
    return None


def _frame(index: Index, plan: QueryPlan, language: str) -> str:
    names = []
    for key in plan.places:
        name = next((n for a in index.articles.values() for n in (a.place.district, a.place.province)
                     if n and fold(n) == key), key)
        names.append(name)
    years = ", ".join(str(y) for y in plan.years)
    if language == "vi":
        return (f" về {', '.join(names)}" if names else "") + (f" năm {years}" if years else "")
    return (f" about {', '.join(names)}" if names else "") + (f" in {years}" if years else "")


def _summary(facet: str, articles: list[Article], frame: str, language: str) -> str:
    n = len(articles)
    vi = language == "vi"
    if facet == "author":
        bylines = Counter(a.byline or ("không ghi tên" if vi else "unsigned") for a in articles)
        who = "; ".join(f"{b} ({c})" for b, c in bylines.most_common())
        return f"{n} bài viết{frame}; người viết: {who}." if vi else f"{n} articles{frame}; written by: {who}."
    if facet == "places":
        places = Counter(a.place.district for a in articles if a.place.district)
        where = ", ".join(f"{p} ({c})" for p, c in places.most_common())
        return (f"Các bài viết{frame} nhắc tới {len(places)} địa phương: {where}." if vi
                else f"The articles{frame} name {len(places)} places: {where}.")
    if vi:
        return f"Có {n} bài viết{frame}:"
    return f"{n} article{'s' if n != 1 else ''}{frame}:"


def answer_about_collection(index: Index, plan: QueryPlan, hits: list[Hit]) -> Draft:
    """Count, list, date, sign or place the articles that meet the question; decline when none do."""
    articles = matching_articles(index, plan)
    if not articles:
        return Draft(decline_text(plan, constraint_reason(plan, [])), (), False)
    language = plan.language
    facet = _facet(plan.question)
    bullets = []
    for article in articles[:_MAX_LISTED]:
        lede = _lede(index, article)
        if lede:
            bullets.append(Bullet(lede[0], lede[1], label=f"{source_label(lede[1], language)}: "))
    text, citations = render(_summary(facet, articles, _frame(index, plan, language), language),
                             [Section("", tuple(bullets))], language)
    if len(articles) > _MAX_LISTED:
        more = len(articles) - _MAX_LISTED
        text += f"\n(… và {more} bài khác)" if language == "vi" else f"\n(… and {more} more)"
    return Draft(text, citations, True)
