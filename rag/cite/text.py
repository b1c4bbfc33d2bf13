"""Match forms: how the citation checker compares Vietnamese (and English) text, after normalisation.

"hoà" = "hòa" (one tone convention), "Tháp Mười" = "thap muoi" (folded), "qui" = "quy" (free spelling
variants), "BTV" = "Ban Thường vụ" (abbreviations expanded), and which language a sentence is in.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text.crosslingual import glossary
from rag.text.vietnamese import ENGLISH_STOPWORDS, fold, has_vietnamese_letter, normalize

# Abbreviations of local-government news, expanded so "HU" meets "Huyện ủy" and "NQ" meets "nghị quyết".
# Ambiguous short ones (TT, CT) are left out on purpose: a wrong expansion invents support.
ABBREVIATIONS = {
    "HU": "Huyện ủy", "BTV": "Ban Thường vụ", "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân",
    "MTTQ": "Mặt trận Tổ quốc", "NQ": "Nghị quyết", "TTHU": "Thường trực Huyện ủy", "GPMB": "giải phóng mặt bằng",
    "NQTW": "Nghị quyết Trung ương", "TW": "Trung ương", "BCH": "Ban Chấp hành", "UBKT": "Ủy ban kiểm tra",
    "TU": "Tỉnh ủy", "BTVHU": "Ban Thường vụ Huyện ủy", "BTVTU": "Ban Thường vụ Tỉnh ủy", "TP": "thành phố",
    "HTX": "hợp tác xã", "THCS": "trung học cơ sở", "THPT": "trung học phổ thông", "KT-XH": "kinh tế - xã hội",
    "đ/c": "đồng chí", "Đ/c": "đồng chí", "đ.c": "đồng chí",
}
_ABBREV = re.compile(r"(?<![\w/])(" + "|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True)) + r")(?![\w/])")
_EXTRA_ENGLISH = frozenset(
    """january february march april may june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday district province provincial commune town city party committee
    committees people's people council front fatherland national assembly standing central executive
    vietnam vietnamese comrade mr mrs ms dr secretary deputy chairman vice head director office department
    communist union youth women's farmers veterans association according on at in during since after before
    authorities team members member resolution conclusion directive plan programme program""".split()
)


def _variant(syllable: str) -> str:
    """One spelling for free variants: 'qui'/'quy', 'kĩ'/'kỹ', 'lí'/'lý' (folded forms)."""
    if syllable.endswith("y") and re.fullmatch(r"(?:qu|[bcdghklmnprstvx]h?|ngh?|tr|ch|gi)y", syllable):
        return syllable[:-1] + "i"
    return syllable


def expand_abbreviations(text: str) -> str:
    """'BTV Huyện ủy' -> 'BTV Ban Thường vụ Huyện ủy': the abbreviation stays, its expansion follows."""
    return _ABBREV.sub(lambda m: f"{m.group(1)} {ABBREVIATIONS[m.group(1)]}", text)


@lru_cache(maxsize=4096)
def match_syllables(text: str) -> tuple[str, ...]:
    """Folded syllables with abbreviations expanded and spelling variants merged: what lexical tests compare."""
    return tuple(_variant(w) for w in re.findall(r"\w+", fold(expand_abbreviations(normalize(text)))))


def match_form(text: str) -> str:
    return " ".join(match_syllables(text))


def contains_phrase(haystack_form: str, phrase_form: str) -> bool:
    return bool(phrase_form) and re.search(rf"(?<!\w){re.escape(phrase_form)}(?!\w)", haystack_form) is not None


@lru_cache(maxsize=1)
def english_vocabulary() -> frozenset[str]:
    words = {w for key in glossary() for w in re.findall(r"[\w']+", key)}
    return frozenset(words | ENGLISH_STOPWORDS | _EXTRA_ENGLISH)


def sentence_language(text: str) -> str:
    """'en' or 'vi' from the lower-case words only: an English sentence full of Vietnamese names
    ('... Trần Văn Hưng, Trần Quốc Lập and Phạm Văn Long') is still English."""
    words = [w for w in re.findall(r"[^\W\d_]+", normalize(text)) if w[0].islower()]
    vocabulary = english_vocabulary()
    english = sum(1 for w in words if w in vocabulary or (w.isascii() and len(w) > 3 and w.endswith(("ed", "ing", "tion", "s"))))
    vietnamese = sum(1 for w in words if has_vietnamese_letter(w))
    return "en" if english > vietnamese else "vi"
