"""Where facts sit in a text: clauses with the years in force, and the words around each number and person.

A number or a name can be present in a passage and still be misattributed ("kỷ luật 243 đảng viên" when
243 is the count of badges). Each number and person gets a context: the content words nearest to it in
its segment. A claim is misattributed when another fact of the passage fits that context clearly better.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from rag.cite.facts import DateFact, find_dates, find_names, find_numbers
from rag.cite.injection import without_instructions
from rag.cite.numbers import digits_for_words
from rag.cite.text import match_syllables
from rag.text.crosslingual import english_terms
from rag.text.vietnamese import ENGLISH_STOPWORDS, normalize, split_sentences

# Vietnamese function words (folded): they carry no claim, so they neither support nor contradict one.
FUNCTION_WORDS = frozenset(
    """va cua cac nhung la co duoc da se cho voi ve tai tu den mot nay do thi ma nen vao ra len boi
    trong o theo nhu de khi hay hoac cung con rat bi thi nhieu viec su cuoc nam sang chieu toi
    qua sau truoc hon moi tung gi ai nao day vua ca tren duoi giua ben nhung ma vi nhung
    tai nham kia ay nay nen ngoai hien hom""".split()
    # not "dang", "dau", "thang", "ngay", "nhat": folded, they are also "đảng", "đầu", "tháng", "ngày", "nhất"
)
_BOUNDARY = re.compile(r"[,;:()\[\]“”\"!?«»]|(?<!\d)\.(?!\d)|\s[–—]\s")
_CONJUNCTION = frozenset({"va", "and", "hoac", "or"})
WIDE_WINDOW = 12  # content words a side that a segment may say about one of its counts
_LEADING_TOKENS = 8  # a year this early in a sentence frames it ("Năm 2021 ...", "Trong 6 tháng đầu năm 2024, ...")


@dataclass(frozen=True)
class Item:
    kind: str  # "w" word, "n" number, "y" year, "p" person, "b" boundary, "c" conjunction
    value: str  # match-form syllables for words, key for numbers/persons, the raw word for English words
    position: int


def items(text: str, language: str = "vi") -> list[Item]:
    """Words, numbers, years, persons and boundaries in reading order."""
    spans: list[tuple[int, int, str, str]] = []
    for n in find_numbers(text, language):
        spans.append((n.start, n.end, "y" if n.is_year else "n", n.key))
    for name in find_names(text, language):
        if name.is_person:
            spans.append((name.start, name.end, "p", name.key))
    for m in _BOUNDARY.finditer(text):
        spans.append((m.start(), m.end(), "b", m.group(0)))
    _, blanked = find_dates(text)
    taken = sorted(spans)
    cursor = 0
    for start, end, *_ in list(taken):
        _add_words(blanked, cursor, start, language, spans)
        cursor = max(cursor, end)
    _add_words(blanked, cursor, len(text), language, spans)
    spans.sort()
    return [Item(kind, value, start) for start, _, kind, value in spans]


def _add_words(text: str, start: int, end: int, language: str, spans: list) -> None:
    for m in re.finditer(r"[^\W\d_]+(?:'s)?", text[start:end]):
        word = m.group(0)
        position = start + m.start()
        folded = match_syllables(word)
        if folded and folded[0] in _CONJUNCTION:
            spans.append((position, position + len(word), "c", folded[0]))
        elif language == "en":
            if word.lower() not in ENGLISH_STOPWORDS:
                spans.append((position, position + len(word), "w", word))
        else:
            for syllable in folded:
                if syllable not in FUNCTION_WORDS:
                    spans.append((position, position + len(word), "w", syllable))


def _segments(seq: list[Item], cut: frozenset[str]) -> list[list[Item]]:
    out: list[list[Item]] = [[]]
    for item in seq:
        if item.kind in cut:
            out.append([])
        else:
            out[-1].append(item)
    return [s for s in out if s]


def _merge_shares(segment: list[Item], text_between) -> list[Item]:
    """'52.342/54.731' and '52,342 of 54,731' are one anchor: the words around the pair describe both."""
    out: list[Item] = []
    for item in segment:
        if item.kind == "n" and out and out[-1].kind == "n" and text_between(out[-1], item):
            out[-1] = Item("n", f"{out[-1].value}/{item.value}", out[-1].position)
        else:
            out.append(item)
    return out


def shares(seq: list[Item], text: str) -> set[str]:
    """Shares written as 'a/b' (or 'a of b', 'a trên b'), as 'a/b' keys."""
    def joined(a: Item, b: Item) -> bool:
        return re.fullmatch(r"[\d.,%]*\s*(?:/|of|trên)\s*", text[a.position:b.position]) is not None

    merged = _merge_shares([it for it in seq if it.kind in ("n", "y")], joined)
    return {it.value for it in merged if "/" in it.value}


def number_contexts(seq: list[Item], text: str = "", window: int = 4) -> list[tuple[str, list[str], list[str]]]:
    """(number key, words before it, words after it) for each count: up to `window` content words on each
    side, within its segment (cut at punctuation and 'và'), none that sit closer to another count."""
    def joined(a: Item, b: Item) -> bool:
        return bool(text) and re.fullmatch(r"[\d.,%]*\s*(?:/|of|trên)\s*", text[a.position:b.position]) is not None

    out: list[tuple[str, list[str]]] = []
    for segment in _segments(seq, frozenset({"b", "c"})):
        segment = _merge_shares(segment, joined)
        anchors = [i for i, it in enumerate(segment) if it.kind == "n"]
        words_at = [i for i, it in enumerate(segment) if it.kind == "w"]
        for a in anchors:
            before = [i for i in words_at if i < a and not any(i < b < a for b in anchors)][-window:]
            after = [i for i in words_at if i > a and not any(a < b < i for b in anchors)][:window]
            for key in segment[a].value.split("/"):
                out.append((key, [segment[i].value for i in before], [segment[i].value for i in after]))
    return out


def person_contexts(seq: list[Item]) -> list[tuple[str, list[str], list[str]]]:
    """(person key, words nearest to the person, the words that follow it: its title or role)."""
    anchors = [i for i, it in enumerate(seq) if it.kind == "p"]
    out = []
    for a in anchors:
        near = [it.value for i, it in enumerate(seq)
                if it.kind == "w" and abs(i - a) == min(abs(i - b) for b in anchors)]
        after: list[str] = []
        started = False
        for it in seq[a + 1:]:
            if it.kind == "p" or len(after) >= 12:
                break
            if it.kind == "b":
                if it.value == "," and not started:
                    continue  # "Trần Văn Hưng, Bí thư Huyện ủy, ...": the role is the segment after the comma
                break
            if it.kind == "w":
                started = True
                after.append(it.value)
        out.append((seq[a].value, near, after))
    return out


def groups(words: list[str], language: str) -> list[tuple[str, ...]]:
    """What a claim's context must meet, as groups of alternatives in match form. English words go
    through the glossary; words it does not know cannot be compared and are left out."""
    if language != "en":
        return [(w,) for w in dict.fromkeys(words)]
    out = []
    for term, alternatives in english_terms(" ".join(words)):
        if term[0].isdigit():
            continue
        forms = tuple(dict.fromkeys(" ".join(match_syllables(a)) for a in alternatives))
        if any(forms):
            out.append(forms)
    return out


def overlap(claim: list[tuple[str, ...]], context: frozenset[str]) -> int:
    return sum(1 for g in claim if any(a and set(a.split()) <= context for a in g))


def _meets(group: tuple[str, ...], context: frozenset[str]) -> bool:
    return any(a and set(a.split()) <= context for a in group)


def near_overlap(before: list[tuple[str, ...]], after: list[tuple[str, ...]], context: frozenset[str],
                 rarity: Callable[[tuple[str, ...]], float] = lambda g: 1.0) -> float:
    """Overlap where the claim's words count 1, 1/2, 1/3 ... by how far they stand from the number (the
    word next to a count says what it counts), times how rare they are around the passage's numbers
    ('đảng viên' follows most counts in Party news; 'khai trừ' only one). A word found around every count of
    the passage does not push the others further ("36 đảng viên bị khai trừ": 'khai trừ' is the nearest word
    that tells the counts apart)."""
    everywhere = getattr(rarity, "everywhere", lambda g: False)
    total = 0.0
    for side in (list(reversed(before)), list(after)):
        rank = 0
        for g in side:
            if not everywhere(g):
                rank += 1
            if _meets(g, context):
                total += rarity(g) / max(rank, 1)
    return total


def rarity_among(contexts: list[frozenset[str]]) -> Callable[[tuple[str, ...]], float]:
    """IDF of a claim word over the contexts of a passage's numbers, scaled to 1 for a word in none; its
    `everywhere(word)` says whether every context has the word (two contexts at least)."""
    n = len(contexts)
    top = math.log((n + 1) / 0.5)

    def df(group: tuple[str, ...]) -> int:
        return sum(1 for c in contexts if _meets(group, c))

    def rarity(group: tuple[str, ...]) -> float:
        return math.log((n + 1) / (df(group) + 0.5)) / top

    rarity.everywhere = lambda group: n >= 2 and df(group) == n  # type: ignore[attr-defined]
    return rarity


@dataclass(frozen=True)
class Clause:
    """A sentence or a ';'-separated part of one, with what it states."""

    text: str
    syllables: frozenset[str]
    scope: frozenset[int]  # years in force: its own, and the year that frames its sentence
    numbers: tuple[tuple[str, frozenset[str]], ...]
    persons: tuple[tuple[str, frozenset[str], frozenset[str]], ...]
    dates: tuple[DateFact, ...]
    number_keys: frozenset[str]
    shares: frozenset[str] = frozenset()
    # each count with the words of its whole segment (up to 12 a side): what the clause may say of it at all
    wide_numbers: tuple[tuple[str, frozenset[str]], ...] = ()


@dataclass(frozen=True)
class Passage:
    """A cited passage prepared for checking: its header (title · date · place) and clauses."""

    text: str
    header: str
    form: str
    syllables: frozenset[str]
    years: frozenset[int]
    dates: tuple[DateFact, ...]
    clauses: tuple[Clause, ...]


_VI_NUMBER_WORDS = {w: str(i) for i, w in enumerate("một hai ba bốn năm sáu bảy tám chín mười".split(), start=1)}


def _number_words(text: str) -> frozenset[str]:
    """'hai xã' states 2 as surely as '2 xã' (passage side only: 'năm' is also 'year', so it only ever
    adds support for a 5 that a sentence writes in digits)."""
    return frozenset(_VI_NUMBER_WORDS[w] for w in re.findall(r"\w+", text.lower()) if w in _VI_NUMBER_WORDS)


def _years(seq: list[Item], dates: list[DateFact], text: str) -> set[int]:
    years = {int(it.value) for it in seq if it.kind == "y"} | {d.year for d in dates if d.year}
    for start, end in re.findall(r"\b((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\b", text):
        if 0 <= int(end) - int(start) <= 10:
            years.update(range(int(start), int(end) + 1))
    return years


def _leading_year(sentence: str) -> int | None:
    head = " ".join(sentence.split()[:_LEADING_TOKENS])
    dates, blanked = find_dates(head)
    found = re.search(r"\b((?:19|20)\d{2})\b", blanked)
    if dates and dates[0].year:
        return dates[0].year
    return int(found.group(1)) if found else None


@lru_cache(maxsize=512)
def prepare_passage(text: str, header: str = "", frame_years: tuple[int, ...] = ()) -> Passage:
    """Split into clauses and record facts; `frame_years` are the years the article reports on."""
    # An instruction planted in a source is never evidence; numbers in words are read as digits.
    text, header = digits_for_words(without_instructions(normalize(text))), digits_for_words(normalize(header))
    frame: set[int] = set(frame_years)
    clauses: list[Clause] = []
    for sentence in split_sentences(text):
        lead = _leading_year(sentence)
        if lead is not None:
            frame = {lead}
        for part in [p for p in sentence.split(";") if p.strip()]:
            seq = items(part)
            dates, _ = find_dates(part)
            clauses.append(Clause(
                text=part.strip(),
                syllables=frozenset(match_syllables(part)),
                scope=frozenset(_years(seq, dates, part) | frame),
                numbers=tuple((k, frozenset(b + a)) for k, b, a in number_contexts(seq, part)),
                wide_numbers=tuple((k, frozenset(b + a)) for k, b, a in number_contexts(seq, part, WIDE_WINDOW)),
                persons=tuple((k, frozenset(n), frozenset(a)) for k, n, a in person_contexts(seq)),
                dates=tuple(dates),
                number_keys=frozenset(it.value for it in seq if it.kind == "n") | _number_words(part),
                shares=frozenset(shares(seq, part)),
            ))
    full = f"{header}\n{text}" if header else text
    all_dates, _ = find_dates(full)
    return Passage(
        text=text, header=header, form=" ".join(match_syllables(full)), syllables=frozenset(match_syllables(full)),
        years=frozenset(_years(items(full), all_dates, full)), dates=tuple(all_dates), clauses=tuple(clauses),
    )
