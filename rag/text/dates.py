"""Years and dates in text: the years a question restricts to, every year a text mentions, and how a
date is shown to a reader."""

from __future__ import annotations

import re

YEAR = r"(?:19|20)\d{2}"  # a year in news text: 1900-2099
_YEAR_ANY = re.compile(rf"\b({YEAR})\b")
_YEAR_RANGE = re.compile(rf"\b({YEAR})\s*[-–]\s*({YEAR})\b")
# Questions also say "từ 2021 đến 2023", "from 2021 to 2023", "between 2021 and 2023".
_QUESTION_RANGE = re.compile(
    rf"(?:từ|tu|from|between)?\s*(?:năm|nam|year)?\s*({YEAR})\s*(?:-|–|đến|den|to|and|tới|toi)\s*(?:năm|nam)?\s*({YEAR})",
    re.I,
)
_TERM = re.compile(
    rf"(?:nhiệm kỳ|nhiem ky|term|khóa|khoá)\s*{YEAR}\s*[-–]\s*{YEAR}|{YEAR}\s*[-–]\s*{YEAR}\s+(?:term|tenure)\b",
    re.I,
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
MAX_RANGE_YEARS = 10  # a wider "1990-2021" is two years named, not a span to expand


def _expand(ranges: list[tuple[str, str]]) -> set[int]:
    years: set[int] = set()
    for start, end in ranges:
        a, b = int(start), int(end)
        if 0 <= b - a <= MAX_RANGE_YEARS:
            years.update(range(a, b + 1))
    return years


def question_years(text: str) -> tuple[int, ...]:
    """Years a question restricts to: '2021', '6 tháng đầu năm 2024', '2021-2023', 'from 2021 to 2023'.
    A term of office ('nhiệm kỳ 2021-2026') names the term, not a year to filter on."""
    text = _TERM.sub(" ", text)
    years = _expand(_QUESTION_RANGE.findall(text))
    text = _QUESTION_RANGE.sub(" ", text)
    years.update(int(y) for y in _YEAR_ANY.findall(text))
    return tuple(sorted(years))


def years_mentioned(text: str) -> tuple[int, ...]:
    """Every year written in the text, ranges expanded ('2021-2023' -> 2021, 2022, 2023)."""
    years = {int(y) for y in _YEAR_ANY.findall(text)} | _expand(_YEAR_RANGE.findall(text))
    return tuple(sorted(years))


def display_date(iso: str | None, language: str) -> str | None:
    """'2022-01-10' -> '10/1/2022' for Vietnamese readers (day/month/year, as the articles print dates);
    ISO in English. Anything that is not an ISO date is returned as it is."""
    match = _ISO_DATE.fullmatch(iso or "")
    if not match or language == "en":
        return iso
    year, month, day = match.groups()
    return f"{int(day)}/{int(month)}/{year}"
