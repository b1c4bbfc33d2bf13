"""Understanding a question before retrieval: language, place and year constraints, answer type, follow-ups."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from rag.retrieve.question_types import outside_quotes, question_type
from rag.text.crosslingual import vietnamese_expansion
from rag.text.dates import question_years
from rag.text.accents import AccentRestorer, vocabulary_of
from rag.errors import InputError
from rag.text.places import PlaceText, admin_names_in, english_aliases_in, province_key, provinces_in
from rag.schema import Article, Place, QueryPlan
from rag.text.vietnamese import ENGLISH_STOPWORDS, QUESTION_WORDS_FOLDED, detect_language, fold, normalize

MAX_QUESTION_CHARS = 2000

# Checked in order: "ngày bao nhiêu" asks for a date, not a number.
_ANSWER_TYPES = (
    ("date", r"\b(khi nao|ngay nao|ngay bao nhieu|bao gio|thoi gian nao|luc nao|when|what date|which date|what day)\b"),
    ("person", r"\b(ai|who|whom|la ai|nguoi nao|dong chi nao|lanh dao nao|which officials|which leaders|whose)\b"),
    ("number", r"\b(bao nhieu|so luong|ty le|ti le|how many|how much|what share|what percentage|what proportion|what number|how large|con so)\b"),
    ("place", r"\b(o dau|tai dau|where|noi nao)\b"),
)
_NUMBER_HINT_ACCENTED = re.compile(r"\b(số|mấy|tỷ lệ|tỉ lệ)\b", re.I)
_FOLLOW_UP = re.compile(r"^\s*(còn|con|thế còn|the con|vậy|vay|và|va|what about|how about|and|còn về)\b|thì sao|thi sao\??\s*$", re.I)


@dataclass
class Gazetteer:
    """Place names the corpus covers, keyed by folded name, each with the articles from there."""

    districts: dict[str, set[str]] = field(default_factory=dict)
    provinces: dict[str, set[str]] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_articles(cls, articles: list[Article]) -> "Gazetteer":
        return cls.from_places((a.id, a.place) for a in articles)

    @classmethod
    def from_places(cls, places: Iterable[tuple[str, Place]]) -> "Gazetteer":
        """From (article id, place) pairs, in the articles' order."""
        gazetteer = cls()
        for article_id, place in places:
            if place.district:
                key = fold(place.district)
                gazetteer.districts.setdefault(key, set()).add(article_id)
                gazetteer.display[key] = place.district
            if place.province:
                key = fold(place.province)
                gazetteer.provinces.setdefault(key, set()).add(article_id)
                gazetteer.display[key] = place.province
        return gazetteer

    def find(self, question: str) -> list[str]:
        """Folded keys of covered places named in a normalised question (accents and capitals as
        `PlaceText` says).
        A one-syllable name ("Cam", Orange County's "quận Cam") counts only after an administrative
        word: alone it is too often an ordinary word ("cam kết")."""
        text = PlaceText(question, capitalised=writes_capitals(question))
        keys = list(self.districts) + list(self.provinces)
        return [k for k in keys if text.position(self.display.get(k, k), after_admin_word=" " not in k) is not None]

    def covers(self, name: str) -> bool:
        key = fold(name)
        return key in self.districts or key in self.provinces


def validate_question(question: str) -> str:
    """The question normalised (NFC, one tone-mark convention): the one normalisation it gets; every
    rule below reads this form. Raises InputError for an empty or over-long question."""
    if question is None or not str(question).strip():
        raise InputError("the question is empty; type a question, e.g. \"Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?\"")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"the question has {len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,}. Ask a shorter question")
    return normalize(question.strip())


def answer_type(question: str) -> str:
    folded = fold(question)
    for name, pattern in _ANSWER_TYPES:
        if re.search(pattern, folded):
            return name
    if _NUMBER_HINT_ACCENTED.search(question):
        return "number"
    return "other"


def _unaccented_admin_names(text: str) -> list[str]:
    """'huyen gia lam' typed without accents or capitals: take the two words after the admin word. Without
    diacritics "tinh trang" (tình trạng) and "quan ly" (quản lý) read like "tỉnh …", "quận …", so someone who
    writes capitals after the first letter ("Bo Noi vu … tinh trang lanh dao") must capitalise the place too."""
    folded = fold(text)  # the text has no diacritics: folding only lowers it, so spans match `text`
    capitals = writes_capitals(text[1:])
    names = []
    for match in re.finditer(r"\b(?:huyen|quan|thi xa|tinh|thanh pho|xa)\s+(?!uy\b)(\w+\s+\w+)", folded):
        if capitals and not text[match.start(1)].isupper():
            continue
        names.append(match.group(1))
    return names


def writes_capitals(question: str) -> bool:
    """Someone who writes capitals anywhere writes them in place names too ("về hòa bình" is peace)."""
    return question != question.lower()


def named_places(question: str, gazetteer: Gazetteer) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(covered place keys, names of places the corpus does not cover) mentioned in a normalised question."""
    known = gazetteer.find(question)
    # an English name of a covered place ("Hanoi", "Danang"): the gazetteer looks for its Vietnamese spelling
    known += [k for k in (fold(name) for name in english_aliases_in(question)) if k in gazetteer.provinces and k not in known]
    unknown: list[str] = []
    candidates = admin_names_in(question) + provinces_in(question, capitalised=writes_capitals(question))
    if fold(question) == question.lower():  # typed without diacritics
        candidates += _unaccented_admin_names(question)
    for name in candidates:
        key = fold(name)
        if any(key == k or key.startswith(k + " ") or k.startswith(key + " ") for k in known):
            continue
        if gazetteer.covers(name) or province_key(name) in gazetteer.provinces:
            continue
        if name not in unknown:
            unknown.append(name)
    return tuple(known), tuple(unknown)


_FRAME_WORDS = frozenset("con the thi sao vay va what about how and so nam year".split())


def _content_words(question: str, place_keys: tuple[str, ...]) -> int:
    place_syllables = {s for k in place_keys for s in k.split()}
    words = re.findall(r"[^\W\d_]+", fold(question))
    return sum(
        1 for w in words
        if w not in QUESTION_WORDS_FOLDED and w not in ENGLISH_STOPWORDS and w not in _FRAME_WORDS
        and w not in place_syllables
    )


def plan_query(
    question: str, gazetteer: Gazetteer, history: list[str] | None = None, restorer: AccentRestorer | None = None,
) -> QueryPlan:
    """Read constraints from the question; a follow-up inherits place, year and topic from earlier turns.

    The question (and each earlier turn) is normalised once, here; the plan carries that form on
    (`QueryPlan.question`). Vietnamese typed without diacritics is searched with them restored (e5 needs
    them); an English question's keyword side is searched with its glossary terms in Vietnamese.
    """
    question = validate_question(question)
    language = detect_language(question)
    searched = restorer.restore(question) if restorer and language == "vi" else question
    places, unknown = named_places(question, gazetteer)
    years = question_years(question)
    # the type is read from what is asked, not from the title the question quotes ("Bài báo “… nhiệm vụ
    # năm 2018” đưa tin gì?" asks for a report); a question whose only cues are quoted keeps the old reading
    asked = outside_quotes(question)
    kind = answer_type(asked)
    qtype = question_type(asked, kind)
    if qtype == "factoid" and asked != question:
        kind = answer_type(question)
        qtype = question_type(question, kind)
    text = searched
    history = [normalize(h) for h in (history or []) if h and h.strip()]
    if history:
        previous = history[-1]
        # A follow-up with no topic of its own ("Còn năm 2022 thì sao?", "What about Cao Lãnh?") takes
        # the previous question's topic; one with its own topic keeps it and only inherits constraints.
        needs_topic = bool(_FOLLOW_UP.search(question)) and _content_words(question, places) < 2
        extra: list[str] = []
        # A question naming a place of its own is a new question unless it reads as a follow-up:
        # it must not inherit the previous turn's year ("Cao Lãnh có bao nhiêu …" after a 2021 question).
        own_place = bool(places or unknown)
        if not own_place:
            for turn in reversed(history):
                inherited, _ = named_places(turn, gazetteer)
                if inherited:
                    places = inherited
                    extra += [gazetteer.display.get(k, k) for k in inherited]
                    break
        if not years and (not own_place or _FOLLOW_UP.search(question)):
            for turn in reversed(history):
                if question_years(turn):
                    years = question_years(turn)
                    extra += [str(y) for y in years]
                    break
        if needs_topic:
            extra.insert(0, previous)
            if kind == "other":
                kind = answer_type(previous)
            if qtype == "factoid":  # "Còn năm 2022 thì sao?" after a report question asks for a report
                qtype = question_type(previous, answer_type(previous))
        if extra:
            text = f"{searched} ({' '.join(extra)})"
    keyword_text = f"{text} {vietnamese_expansion(text)}" if language == "en" else text
    return QueryPlan(
        question=question, text=text, language=language, places=places, unknown_places=unknown,
        years=years, answer_type=kind, keyword_text=keyword_text,
        question_type=qtype,
    )


class QueryPlanner:
    """Plans questions against one index: the places its articles cover (`Gazetteer`) and the accented
    vocabulary that unaccented questions are restored with (`AccentRestorer`). Built once per index."""

    def __init__(self, gazetteer: Gazetteer, restorer: AccentRestorer | None = None) -> None:
        self.gazetteer = gazetteer
        self.restorer = restorer

    @classmethod
    def from_articles(cls, articles: Iterable[Article]) -> "QueryPlanner":
        """The planner of these articles; the accent vocabulary is counted from them on the first question
        typed without accents (an index's saved one is read instead: `QueryPlanner.of`)."""
        articles = list(articles)
        return cls(Gazetteer.from_articles(articles),
                   AccentRestorer.lazy(lambda: vocabulary_of(f"{a.title}\n{a.text}" for a in articles)))

    @classmethod
    def of(cls, index) -> "QueryPlanner":
        """The planner of an index (rag.index.store.Index): its articles' places (a column: no article is
        read) and its saved accent vocabulary when it has one."""
        return cls(Gazetteer.from_places(index.article_places.items()),
                   AccentRestorer.lazy(lambda: index.accent_vocabulary))

    def plan(self, question: str, history: list[str] | None = None) -> QueryPlan:
        return plan_query(question, self.gazetteer, history, self.restorer)
