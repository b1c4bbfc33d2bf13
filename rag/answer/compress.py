"""Shorter bullets for a summary: the words of a quoted sentence that carry no fact are cut off its ends.

A summary's length is its budget: every word that gives the reader no figure, name or decision is a word a
further point could have used. A chosen sentence is trimmed, never rewritten, so the bullet stays one contiguous
quote of its passage (the citation checker reads it as any other clause):
- a leading discourse connective ("Theo đó,", "Cụ thể,", "Bên cạnh đó,", "Ngoài ra,": general Vietnamese
  news connectives, listed below, followed by their comma) is dropped;
- leading and trailing clauses (cut where rag.answer.clauses cuts a long sentence) that carry no figure, name
  or decision of their own, or only ones the reader already has (`known`: the title's, earlier bullets'), are
  dropped while the rest keeps at least `min_words` words and every fact of the sentence not already known.
A sentence with no new fact is left whole: there is nothing to keep it for, so nothing to cut it down to.
"""

from __future__ import annotations

import re

from rag.answer.clauses import clause_spans
from rag.answer.salience import CREDIT, DECISION, capitalised_names
from rag.text.vietnamese import CONNECTIVE, fold

_NUMBER = re.compile(r"(?<![\w/.,-])\d+(?:[.,/]\d+)*%?(?![\w])")


def facts_in(text: str) -> set[str]:
    """The figures (years and dates too: a reader checks them) and names of a piece, accent-folded, and its
    decision words: what a clause must hold to be worth its words in a summary."""
    found = {fold(x) for x in _NUMBER.findall(text)} | {fold(n) for n in capitalised_names(text)}
    return found | {m.group(0) for m in DECISION.finditer(text.lower())}


def compress(text: str, known: set[str] = frozenset(), min_words: int = 6) -> str:
    """`text` without its leading connective and without the end clauses that add no fact beyond `known`
    (accent-folded facts, as `facts_in` gives them); an exact substring of `text`."""
    connective = CONNECTIVE.match(text)
    if connective and len(text[connective.end():].split()) >= min_words:
        text = text[connective.end():]
    spans = clause_spans(text, long_words=0, keep_appositions=False)
    if not spans:
        return text
    new = [facts_in(text[a:b]) - known for a, b in spans]
    wanted = set().union(*new)
    if not wanted:
        return text
    first, last = 0, len(spans) - 1
    while first < last and not new[first]:
        first += 1
    while last > first and not new[last]:
        last -= 1
    if (first, last) == (0, len(spans) - 1):
        return text
    kept = text[spans[first][0]:spans[last][1]]
    # a fact split over a cut ("UBND TP" | "HCM") or too short a quote: the whole sentence
    if len(kept.split()) < min_words or not wanted <= facts_in(kept):
        return text
    return kept


def without_credit(text: str) -> str:
    """A photo caption without its credit ("Ông X phát biểu tại hội nghị sáng 19-5 - Ảnh: VGP" -> "Ông X phát biểu
    tại hội nghị sáng 19-5"): the caption says who was there and when, often what a summary names; the credit is
    the photographer's. Other text is returned as it is."""
    credit = CREDIT.search(text)
    return text[:credit.start()].rstrip(" -–—(") if credit else text
