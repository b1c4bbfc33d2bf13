"""What a cited sentence must share with its passage: numbers, dates, years, names and quotes, compared
after Vietnamese normalisation ("52.342" = "52,342", "12/01/2021" = "12/1/2021", "hoà" = "hòa").

Pure functions over strings; `rag.cite.support` decides support from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.cite.text import contains_phrase, english_vocabulary, match_form
from rag.text.names import NOT_PEOPLE, SURNAMES
from rag.text.places import admin_names_in
from rag.text.vietnamese import fold, has_syllable_shape, normalize

_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTH_RE = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DATE_PATTERNS = (
    (re.compile(r"(?<![\d/])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/])"), "ymd"),
    (re.compile(r"(?<![\d/.])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d/])"), "dmy"),
    (re.compile(r"\bngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?", re.I), "dmy"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE}\.?,?(?:\s+(\d{{4}}))?\b", re.I), "dMy"),
    (re.compile(rf"\b{_MONTH_RE}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I), "Mdy"),
    # "ngày 19/8", "on 19/8": a day and month alone only after a word that announces a date; "6/18" is a share
    (re.compile(r"\b(?:ngày|sáng|chiều|tối|trưa|hôm|on|from|until|by)\s+(\d{1,2})/(\d{1,2})(?![\d/])", re.I), "dm"),
)
_NUMBER = re.compile(r"(?<![^\W\d_]-)(?<![\w.,/])(\d+(?:[.,]\d+)*)%?|(?<=/)(\d+(?:[.,]\d+)*)%?(?![\w/])")
_YEAR = re.compile(r"(19|20)\d{2}")
_EN_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_QUOTE = re.compile(r"[“\"«]([^”\"»]{8,})[”\"»]")
_NOT_PEOPLE = frozenset(fold(name) for name in NOT_PEOPLE)


@dataclass(frozen=True)
class DateFact:
    """A calendar date; `day` or `year` is None when the text leaves it out."""

    day: int | None
    month: int
    year: int | None

    def matches(self, other: "DateFact") -> bool:
        same_day = self.day is None or other.day is None or self.day == other.day
        same_year = self.year is None or other.year is None or self.year == other.year
        return self.month == other.month and same_day and same_year

    def label(self) -> str:
        parts = [str(p) for p in (self.day, self.month, self.year) if p is not None]
        return "/".join(parts)


@dataclass(frozen=True)
class Facts:
    """The checkable facts of one sentence. Numbers are canonical digit strings, names match forms."""

    dates: tuple[DateFact, ...] = ()
    numbers: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    names: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()  # names of committees, schools, centres (match forms)


def number_key(token: str) -> str:
    """'52.342' and '52,342' -> '52342'; '95,6' and '95.6' -> '956'; '07' -> '7'. Separators are dropped
    because Vietnamese and English swap '.' and ','."""
    digits = re.sub(r"\D", "", token)
    return digits.lstrip("0") or "0"


def _as_date(groups: tuple, kind: str) -> DateFact | None:
    try:
        if kind == "ymd":
            year, month, day = (int(g) for g in groups)
        elif kind == "dmy":
            day, month, year = int(groups[0]), int(groups[1]), int(groups[2]) if groups[2] else None
        elif kind == "dm":
            day, month, year = int(groups[0]), int(groups[1]), None
        elif kind == "dMy":
            day, month, year = int(groups[0]), _MONTHS[_month_name(groups[1])], int(groups[2]) if groups[2] else None
        else:  # Mdy
            month, day, year = _MONTHS[_month_name(groups[0])], int(groups[1]), int(groups[2]) if groups[2] else None
    except (KeyError, ValueError):
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return DateFact(day, month, year)


def _month_name(prefix: str) -> str:
    return next(m for m in _MONTHS if m.startswith(prefix.lower()[:3]))


def find_dates(text: str) -> tuple[list[DateFact], str]:
    """Dates in the text, and the text with them blanked (so their parts are not read as counts)."""
    found: list[DateFact] = []
    for pattern, kind in _DATE_PATTERNS:
        def take(m: re.Match) -> str:
            date = _as_date(m.groups(), kind)
            if date is None:
                return m.group(0)
            found.append(date)
            return " " * len(m.group(0))  # keep offsets: slot contexts are computed on the same text

        text = pattern.sub(take, text)
    return found, text


@dataclass(frozen=True)
class NumberToken:
    key: str
    start: int
    end: int
    is_year: bool


def find_numbers(text: str, language: str = "vi") -> list[NumberToken]:
    """Counts, shares and years, dates excluded; 'Covid-19' is a name, not a count. English number words
    ('six months') count as digits."""
    _, blanked = find_dates(text)
    out = []
    for m in _NUMBER.finditer(blanked):
        raw = m.group(1) or m.group(2)
        plain = re.fullmatch(r"\d{4}", raw) is not None
        out.append(NumberToken(number_key(raw), m.start(), m.end(), plain and _YEAR.fullmatch(raw) is not None))
    if language == "en":
        for m in re.finditer(r"\b(" + "|".join(w for w in _EN_NUMBER_WORDS if w not in ("zero", "one")) + r")\b", blanked, re.I):
            out.append(NumberToken(str(_EN_NUMBER_WORDS[m.group(1).lower()]), m.start(), m.end(), False))
    return sorted(out, key=lambda n: n.start)


@dataclass(frozen=True)
class NameSpan:
    text: str
    start: int
    end: int
    is_person: bool

    @property
    def key(self) -> str:
        return match_form(self.text)


_CAP_WORD = re.compile(r"[^\W\d_][^\W_]*(?:'s)?")
# Capitalised words that open a title or a sentence rather than a name: "Huyện Cao Lãnh" names Cao Lãnh.
# Compared with diacritics: folded, "Năm" (year) would strip "Nam Định" and "Đồng" (comrade) "Đồng Tháp".
_GENERIC_LEAD = frozenset(
    """huyện tỉnh xã quận thị trấn thành phố ban ủy uỷ đảng bộ chi hội trường phòng sở năm ngày sáng chiều tối trưa
    trong theo tại toàn các những ông bà bí thư chủ tịch phó giám đốc khóm khoám ấp thôn xóm tổ đoàn nhân dân
    kế hoạch nghị quyết kết luận chương trình công tác mặt trận""".split()
)


def find_names(text: str, language: str = "vi") -> list[NameSpan]:
    """Runs of two or more capitalised words ('Tháp Mười', 'Trần Văn Hưng'), split where a person's name
    follows a place ('Tháp Mười Trần Văn Hưng'). In English, English words are not names ('Cao Lãnh
    District Party Committee' -> 'Cao Lãnh')."""
    text = text.replace("\u2019", "'")  # same length: offsets stay valid
    vocabulary = english_vocabulary() if language == "en" else frozenset()
    runs: list[list[re.Match]] = []
    previous_end = -2
    for m in _CAP_WORD.finditer(text):
        word = m.group(0).removesuffix("'s")
        capital = word[0].isupper() and not (word.isupper() and len(word) > 1 and word not in SURNAMES)
        continues = bool(runs) and text[previous_end:m.start()] == " " and runs[-1][-1].end() == previous_end
        # A given name after a Vietnamese surname stays a name even when the glossary holds it as an English
        # key's word ("Minh" of "Ho Chi Minh"): "Nguyễn Văn Vũ Minh asked" names one person of four syllables.
        given_name = (continues and runs[-1][0].group(0) in SURNAMES and len(runs[-1]) < 4
                      and has_syllable_shape(word))  # not "Cao Lãnh District" ("District" has no syllable's shape)
        if capital and word.lower() in vocabulary and not given_name:
            capital = False
        if capital and continues:
            runs[-1].append(m)
        elif capital:
            runs.append([m])
        previous_end = m.end() if not m.group(0).endswith("'s") else -2
    names: list[NameSpan] = []
    for run in runs:
        while run and _is_generic_lead(run[0].group(0).removesuffix("'s")):
            run = run[1:]
        if not run:
            continue
        for part in _split_person(run):
            words = [w.group(0).removesuffix("'s") for w in part]
            diacritics = any(fold(w) != w.lower() for w in words)
            if len(part) < 2 and not (language == "en" and diacritics):
                continue
            start, end = part[0].start(), part[0].start() + len(" ".join(words))
            person = words[0] in SURNAMES and 3 <= len(words) <= 4 and fold(" ".join(words)) not in _NOT_PEOPLE
            names.append(NameSpan(" ".join(words), start, end, person))
    return names


def _is_generic_lead(word: str) -> bool:
    """Compared with diacritics (lower case, one tone convention): see _GENERIC_LEAD."""
    return normalize(word).lower() in _GENERIC_LEAD and word not in SURNAMES


def _split_person(run: list[re.Match]) -> list[list[re.Match]]:
    words = [m.group(0) for m in run]
    if words[0] in SURNAMES:
        return [run]
    for i in range(1, len(words)):
        if words[i] in SURNAMES and 3 <= len(words) - i <= 4:
            return [run[:i], run[i:]]
    return [run]


# "Ban Dân vận", "Ủy ban Mặt trận Tổ quốc", "Trường Chính trị": a body's name is its head word, a capitalised
# word and the word after it; "Ban Tuyên giáo" for "Ban Dân vận" is a wrong name like any other.
_BODY = re.compile(r"\b(Ban|Ủy ban|Uỷ ban|Trường|Trung tâm|Sở|Phòng|Hội|Tổ)\s+([^\W\d_]+)(?:\s+([^\W\d_]+))?")


def find_bodies(text: str) -> list[str]:
    out = []
    for m in _BODY.finditer(text):
        head, name, tail = m.group(1), m.group(2), m.group(3)
        if not name[0].isupper() or name.isupper():
            continue
        words = [head, name] + ([tail] if tail and tail[0].islower() else [])
        out.append(match_form(" ".join(words)))
    return out


def find_quotes(text: str) -> list[str]:
    """Quoted spans of three words or more: a quotation must be found word for word."""
    return [q.strip() for q in _QUOTE.findall(text) if len(q.split()) >= 3]


def _admin_names(sentence: str, found: list[str]) -> list[str]:
    """Places introduced by an administrative word ("huyện Cán", "thành phố Aleppo"): names to find even when
    they read as no person's or body's name. One that overlaps a name found already is that name, read
    too far ("Huyện ủy Tháp Mười Trần Văn Hưng" gives "Tháp Mười Trần")."""
    out = []
    for name in (match_form(n) for n in admin_names_in(sentence)):
        if not any(contains_phrase(name, f) or contains_phrase(f, name) for f in found):
            out.append(name)
    return out


def extract_facts(sentence: str, language: str) -> Facts:
    dates, _ = find_dates(sentence)
    numbers = find_numbers(sentence, language)
    names = find_names(sentence, language)
    return Facts(
        dates=tuple(dates),
        numbers=tuple(dict.fromkeys(n.key for n in numbers if not n.is_year)),
        years=tuple(dict.fromkeys(int(n.key) for n in numbers if n.is_year)),
        names=tuple(dict.fromkeys([n.key for n in names] + _admin_names(sentence, [n.key for n in names]))),
        persons=tuple(dict.fromkeys(n.key for n in names if n.is_person)),
        quotes=tuple(find_quotes(sentence)),
        bodies=tuple(dict.fromkeys(find_bodies(sentence))) if language == "vi" else (),
    )


