"""What a question's place/year constraints are checked against, per article: one definition for the
retriever's filter (rag.retrieve.hybrid) and the metadata Milvus filters on (rag.index.milvus)."""

from __future__ import annotations

from rag.schema import Article, Place
from rag.text.dates import years_mentioned
from rag.text.vietnamese import fold


def place_keys(place: Place) -> set[str]:
    """The folded district and province names of an article's (or its chunk's) place."""
    return {fold(p) for p in (place.district, place.province) if p}


def filter_years(article: Article) -> set[int]:
    """The years a year constraint lets the article through for: any year it reports on or mentions.
    The answerer then checks the year against the sentence it quotes (the Cao Lãnh 2024 report cites a
    2021 resolution, but cannot say how many members Cao Lãnh admitted in 2021). Empty: undated text,
    which no year rules out."""
    return set(article.years) | set(years_mentioned(f"{article.title}\n{article.text}"))
