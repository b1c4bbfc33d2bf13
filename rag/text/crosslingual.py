"""English questions over Vietnamese text: a small bilingual glossary of local-government news terms.

e5 handles English questions on the dense side; the keyword side and answer selection need shared
words, which English and Vietnamese only have in names and numbers. The glossary (rag/text/data/
glossary_en_vi.tsv) maps English terms to their Vietnamese equivalents; matching is longest phrase first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from rag.text.vietnamese import ENGLISH_STOPWORDS, folded_syllables


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[str, ...]]:
    text = resources.files("rag.text").joinpath("data/glossary_en_vi.tsv").read_text(encoding="utf-8")
    entries: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        english, vietnamese = line.split("\t", 1)
        entries[english.strip().lower()] = tuple(v.strip() for v in vietnamese.split("|") if v.strip())
    return entries


def english_terms(question: str) -> list[tuple[str, tuple[str, ...]]]:
    """(English term, Vietnamese alternatives) for the question's glossary terms, longest match first;
    names and numbers that need no translation come back as themselves."""
    entries = glossary()
    longest = max((len(k.split()) for k in entries), default=1)
    words = re.findall(r"[\w'-]+", question)
    terms: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size]).lower()
            if phrase in entries:
                terms.append((phrase, entries[phrase]))
                i += size
                break
        else:
            word = words[i]
            lemma = _lemma(word.lower(), entries)
            if lemma:
                terms.append((word.lower(), entries[lemma]))
            elif word[0].isdigit() or (word[0].isupper() and i > 0 and word.lower() not in ENGLISH_STOPWORDS):
                terms.append((word, (word,)))
            i += 1
    return terms


def _lemma(word: str, entries: dict) -> str | None:
    """The glossary entry for an inflected word: 'inspect' for 'inspected', 'committee' for 'committees'."""
    for suffix, replacement in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            candidate = word[: -len(suffix)] + replacement
            if candidate in entries:
                return candidate
    return None


def vietnamese_expansion(question: str) -> str:
    """The Vietnamese words an English question stands for, as text to add to a keyword query."""
    return " ".join(alt for _, alts in english_terms(question) for alt in alts)


def folded_alternatives(question: str) -> list[tuple[str, ...]]:
    """Alternatives as folded words joined by single spaces (punctuation such as the hyphen in
    "chính trị - xã hội" dropped), the form the answerer compares pieces in."""
    return [tuple(" ".join(folded_syllables(a)) for a in alts) for _, alts in english_terms(question)]
