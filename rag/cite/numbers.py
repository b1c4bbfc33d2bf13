"""Number words and Roman term numerals as digits: "bảy" = "07" = 7, "mười bảy" = 17, "hai mươi mốt" = 21,
"seventeen" = 17, "khóa XI" = "khóa 11".

`digits_for_words(text)` rewrites a text so that every later step (facts, slots, coverage) sees one form.
The spelling rules are the standard Vietnamese ones (mười/mươi, mốt, lăm/nhăm, tư, linh/lẻ, trăm, nghìn/ngàn).
Lone words that are also ordinary words are read as numbers only where a count can stand: "năm" (year)
only before a word that cannot follow "năm" meaning year, "một" (a/one) never alone, "ba" only before a
lower-case word.
"""

from __future__ import annotations

import re
from functools import lru_cache

_UNITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "nhăm": 5,
          "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
_EN = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_WORD = r"(?:không|một|mốt|hai|ba|bốn|tư|năm|lăm|nhăm|sáu|bảy|bẩy|tám|chín|mười|mươi|trăm|nghìn|ngàn|linh|lẻ)"
_RUN = re.compile(rf"(?<!\w){_WORD}(?:\s+{_WORD})*(?!\w)", re.I)
# After "năm" meaning year: "năm nay", "năm 2021", "năm học" ... a count of five never comes before these.
_YEAR_FOLLOWERS = frozenset(
    "nay qua học tới sau trước đó ngoái mới tài này ấy thứ đầu cuối liền nữa kế trên rồi sinh vừa gần đây "
    "và hoạt thực kỷ là của có được đã sẽ các những trong ở tại với để cho thì mà hay hoặc".split())
# A term or congress numeral follows its head word: "khóa XI", "Đại hội XIII", "Trung ương 4", "lần thứ V".
_ROMAN = re.compile(r"\b((?:[Kk]hóa|[Kk]hoá|[Kk]hoa|KHÓA|[Hh]ội|HỘI|[Tt]hứ|[Ll]ần|[Tt]ương|ƯƠNG|[Qq]uốc|[Kk]ỳ)\s+)"
                    r"([IVXL]{1,6})\b")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def roman_value(token: str) -> int | None:
    total, previous = 0, 0
    for ch in reversed(token):
        value = _ROMAN_VALUES[ch]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total if 0 < total < 90 else None


def vietnamese_value(words: list[str]) -> int | None:
    """['mười', 'bảy'] -> 17; ['hai', 'mươi', 'mốt'] -> 21; ['một', 'trăm', 'linh', 'năm'] -> 105."""
    total, current, unit = 0, 0, None
    for w in words:
        if w in ("nghìn", "ngàn"):
            total += ((current + (unit or 0)) or 1) * 1000
            current, unit = 0, None
        elif w == "trăm":
            current += (unit if unit is not None else 1) * 100
            unit = None
        elif w == "mười":
            current += 10
        elif w == "mươi":
            current += (unit or 1) * 10
            unit = None
        elif w in ("linh", "lẻ"):
            continue
        elif w in _UNITS:
            if unit is not None:
                return None  # "hai ba" is not one number
            unit = _UNITS[w]
        else:
            return None
    return total + current + (unit or 0)


def _is_lone_count(word: str, after: str) -> bool:
    """A lone unit word is a count only when what follows is the thing counted."""
    w = word.lower()
    if w in ("một", "mốt", "tư", "lăm", "nhăm", "không", "linh", "lẻ", "trăm", "nghìn", "ngàn", "mươi"):
        return False
    nxt = after.split()[:1]
    if w in ("hai", "bốn", "sáu", "bảy", "tám", "chín") and (not nxt or not nxt[0][:1].isalnum()):
        return True  # "quận chín", "đoạn hai,": a number closing a phrase
    if not nxt or not nxt[0][:1].isalpha() or not nxt[0][0].islower():
        return False
    if w == "năm":
        return nxt[0].strip(",.;:") not in _YEAR_FOLLOWERS
    return True


def _in_a_name(m: re.Match, text: str) -> bool:
    """'Tháp Mười', 'Ba Đình', 'Năm Căn': a capitalised number word inside a run of capitalised words."""
    raw = m.group(0)
    before = re.search(r"(\S+)\s*$", text[:m.start()])
    after = re.match(r"\s*(\S+)", text[m.end():])
    capital = lambda w: w[:1].isupper()  # noqa: E731
    if any(capital(w) for w in raw.split()[1:]):
        return True
    if not capital(raw):
        return False
    opens = before is None or before.group(1)[-1] in ".!?:;\"“(-–"
    return not opens or (after is not None and capital(after.group(1)))


def _replace_run(m: re.Match, text: str) -> str:
    raw = m.group(0)
    if _in_a_name(m, text):
        return raw
    words = raw.lower().split()
    if len(words) == 1:
        if words[0] == "năm" and re.search(r"\d\s*$", text[:m.start()]):
            return raw  # "50 năm thành lập": years after a count, not a count of five
        if words[0] == "mười" or _is_lone_count(raw, text[m.end():]):
            value = vietnamese_value(words)
            return str(value) if value is not None else raw
        return raw
    if words[-1] in ("nghìn", "ngàn") and len(words) > 1:
        # "425 nghìn" is how the digits are written too: the multiplier stays a word
        value = vietnamese_value(words[:-1])
        return raw if value is None else f"{value} {raw.split()[-1]}"
    if words[-1] == "năm" and (words[-2] in ("mười", "mươi", "trăm", "nghìn", "ngàn") or vietnamese_value(words) is None):
        # five after a ten is written "lăm": "mười năm", "năm mươi năm" are ten and fifty years
        value = vietnamese_value(words[:-1])
        return raw if value is None else f"{value} {raw.split()[-1]}"
    if not any(w in ("mười", "mươi", "trăm", "nghìn", "ngàn") for w in words):
        return raw  # "hai ba" or "năm một": a list, a date, not a compound number
    value = vietnamese_value(words)
    return str(value) if value is not None else raw


_EN_RUN = re.compile(r"\b(?:(" + "|".join(_EN_TENS) + r")(?:[- ](" + "|".join(list(_EN)[1:10]) + r"))?|("
                     + "|".join(w for w in _EN if w not in ("zero", "one")) + r"))\b", re.I)


def _replace_english(m: re.Match) -> str:
    if m.group(3):
        return str(_EN[m.group(3).lower()])
    return str(_EN_TENS[m.group(1).lower()] + (_EN[m.group(2).lower()] if m.group(2) else 0))


# A date written out ("ngày 19 tháng 8 năm 2022", "tháng 8 năm 2022") is the date the articles write with slashes
# ("ngày 19/8/2022", "tháng 8/2022"): one form, so the date is one fact whichever way a sentence writes it.
_WRITTEN_DATE = re.compile(r"\b(ngày\s+\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+((?:19|20)\d{2}))?\b", re.I)
_WRITTEN_MONTH = re.compile(r"\b(tháng\s+\d{1,2})\s+năm\s+((?:19|20)\d{2})\b", re.I)


def _slashed_dates(text: str) -> str:
    text = _WRITTEN_DATE.sub(lambda m: f"{m.group(1)}/{m.group(2)}" + (f"/{m.group(3)}" if m.group(3) else ""), text)
    return _WRITTEN_MONTH.sub(lambda m: f"{m.group(1)}/{m.group(2)}", text)


@lru_cache(maxsize=8192)
def digits_for_words(text: str, english: bool = False) -> str:
    """The text with number words and term numerals written as digits, and dates written out with slashes."""
    text = _ROMAN.sub(lambda m: f"{m.group(1)}{roman_value(m.group(2)) or m.group(2)}", text)
    text = _RUN.sub(lambda m: _replace_run(m, text), text)
    if english:
        text = _EN_RUN.sub(_replace_english, text)
    return _slashed_dates(text)


def vietnamese_words(value: int) -> str:
    """7 -> 'bảy', 17 -> 'mười bảy', 21 -> 'hai mươi mốt', 105 -> 'một trăm linh năm' (used to write rewrites)."""
    units = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
    if value < 10:
        return units[value]
    if value < 20:
        return "mười" + ("" if value == 10 else " " + ("lăm" if value % 10 == 5 else units[value % 10]))
    if value < 100:
        tens, unit = divmod(value, 10)
        tail = {0: "", 1: " mốt", 4: " tư", 5: " lăm"}.get(unit, f" {units[unit]}")
        return f"{units[tens]} mươi{tail}"
    if value < 1000:
        hundreds, rest = divmod(value, 100)
        if rest == 0:
            return f"{units[hundreds]} trăm"
        return f"{units[hundreds]} trăm " + (f"linh {units[rest]}" if rest < 10 else vietnamese_words(rest))
    raise ValueError("only 0..999 are written as words here")
