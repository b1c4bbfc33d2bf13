"""What a source's context (its "title · date · place" header) may support in a sentence's wording.

The context supports a sentence's place and year, the persons its title states, and the bodies of a place the title
names ("Huyện ủy Mỹ Lộc", "UBND huyện X", "Đảng bộ xã Y"), not its other words: a clause invented from elsewhere in
the same article shares the title's topic words ("cán bộ", "đất rừng"), and when they counted as source words the
clause passed as found (issue 12f). An answer that names its body by the title's place ("Huyện ủy Mỹ Lộc kết nạp …")
must keep that support (issue 12h: without it 12f failed the seeds CI gate). So the wording checks read the passage
text plus only those words; numbers, dates, years, names and places are facts, checked against the whole source
(passage and context) in rag/cite/support.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.cite.facts import find_names
from rag.cite.text import ABBREVIATIONS, match_form
from rag.text.places import admin_names_in, provinces_in

# The words that name a body or an administrative unit before a place, in match form. Two general sources, not
# any sentence: the expansions of the bodies' abbreviations the checker already reads (rag/cite/text.py:
# "Ủy ban nhân dân", "Ban Thường vụ Huyện ủy", …), and the units and Party/state bodies of the four levels
# (Luật Tổ chức chính quyền địa phương: tỉnh, thành phố, huyện, quận, thị xã, xã, phường, thị trấn; Điều lệ
# Đảng: đảng bộ, đảng ủy, chi bộ, cấp ủy, the "… ủy" committees; the mass organisations' "Mặt trận", "Hội",
# "Đoàn", "Liên đoàn" and the state's "Công an", "Ban chỉ huy Quân sự" bodies of a level).
_BODY_ABBREVIATIONS = ("HU", "BTV", "UBND", "HĐND", "MTTQ", "TTHU", "TW", "BCH", "UBKT", "TU", "BTVHU", "BTVTU", "TP")
_UNITS_AND_BODIES = """tỉnh thành phố huyện quận thị xã phường trấn đảng bộ ủy chi cấp thường trực vụ ban chấp hành
    ủy ban nhân dân hội đồng mặt trận tổ quốc kiểm tra công an quân sự chỉ huy đoàn liên hội lãnh đạo"""
ADMIN_WORDS = frozenset(match_form(" ".join([*_BODY_ABBREVIATIONS, _UNITS_AND_BODIES,
                                             *(ABBREVIATIONS[a] for a in _BODY_ABBREVIATIONS)])).split())
# a body's name is short: "Ban Thường vụ Huyện ủy" is 5 syllables, "Ủy ban MTTQ Việt Nam huyện" more with the
# abbreviation kept beside its expansion in a match form
_MAX_BODY_SYLLABLES = 10


@lru_cache(maxsize=4096)
def text_form(text: str) -> str:
    """The match form of a passage's text alone, without its header."""
    return match_form(text)


def bodies_before(title_form: str, place_form: str) -> list[str]:
    """The body words written right before each mention of a place in a title, with the place: 'huyen uy mi
    loc' for 'Huyện ủy Mỹ Lộc …', 'ubnd uy ban nhan dan huyen mi loc' for 'UBND huyện Mỹ Lộc …'."""
    out = []
    for m in re.finditer(rf"(?<!\w){re.escape(place_form)}(?!\w)", title_form):
        before = title_form[:m.start()].split()
        run = 0
        while run < min(len(before), _MAX_BODY_SYLLABLES) and before[-1 - run] in ADMIN_WORDS:
            run += 1
        if run:
            out.append(" ".join(before[len(before) - run:] + [place_form]))
    return out


@lru_cache(maxsize=4096)
def context_form(header: str, bodies: bool = True) -> str:
    """The match form of the words of a header the wording checks may find: the persons and places its title
    names with the bodies written before those places, and its date and place fields (everything after the
    title), each apart ("|" between them). `bodies=False` is issue 12f's rule (kept for the comparison in
    eval/benchmarks/checker_context_rules.py)."""
    if not header:
        return ""
    title, *fields = header.split(" · ")
    # persons and places only: a title's other capitalised runs are bodies and roles ("Nguyên Bí thư Đảng uỷ
    # Ngoài nước"), topic words a clause invented from the article shares (dev half: persons and places only
    # let one invented clause fewer pass than every capitalised name, and no rewrite more fail)
    persons = [match_form(n.key) for n in find_names(title) if n.is_person]
    places = [match_form(n) for n in admin_names_in(title) + provinces_in(title, capitalised=True)]
    title_form = match_form(title)
    found = [b for p in dict.fromkeys(places) for b in bodies_before(title_form, p)] if bodies else []
    return " | ".join(f for f in [*persons, *dict.fromkeys(places), *found, *map(match_form, fields)] if f)


_QUOTED = re.compile(r"[“\"«]([^”\"»]+)[”\"»]")
# a quotation that the title holds names the article when it is most of the title, not a few of its topic words
_MIN_QUOTED_TITLE_SYLLABLES = 4
_MIN_QUOTED_TITLE_SHARE = 0.5


def quotes_title(claim: str, header: str) -> bool:
    """Whether the sentence names the article by its title ("Theo bài “…”", "According to “…”"), as the
    answerer writes it: a quotation of it, or the whole title."""
    title = match_form(header.split(" · ")[0])
    if not title:
        return False
    quoted = [match_form(q) for q in _QUOTED.findall(claim)]
    need = max(_MIN_QUOTED_TITLE_SYLLABLES, _MIN_QUOTED_TITLE_SHARE * len(title.split()))
    return any(len(q.split()) >= need and re.search(rf"(?<!\w){re.escape(q)}(?!\w)", title)
               for q in quoted) or f" {title} " in f" {match_form(claim)} "


def context_forms(claim: str, headers: list[str]) -> list[str]:
    """What each source's context may support in the wording checks of this sentence: context_form, and the
    whole title when the sentence quotes it (an answer may name the article it quotes)."""
    out = []
    for header in headers:
        form = context_form(header)
        if quotes_title(claim, header):
            form = " | ".join(f for f in (form, match_form(header.split(" · ")[0])) if f)
        if form:
            out.append(form)
    return out
