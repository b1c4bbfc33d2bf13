"""Perturbations of one real sentence: equivalent rewrites (still supported by its passage) and one
fabrication of each kind (no longer supported). Used by eval/benchmarks/checker_pairs.py.

Every function takes the sentence, its passage and a seeded `random.Random`, and returns the new sentence or
None when the sentence offers nothing to perturb of that kind. The vocabulary is general (offices, the
standard abbreviations of Vietnamese administration, the 63 provinces), never read off a test pair.
"""

from __future__ import annotations

import random
import re

from rag.cite.facts import find_names, find_numbers
from rag.cite.numbers import roman_value, vietnamese_words
from rag.text.places import PROVINCES, admin_names_in, provinces_in
from rag.text.vietnamese import fold

# Full form <-> abbreviation, as the Party and state press writes them (Quy định 66-QĐ/TW, and Decree 30/2020
# on administrative documents, list the same abbreviations).
ABBREVIATIONS = (("Ủy ban nhân dân", "UBND"), ("Hội đồng nhân dân", "HĐND"), ("Mặt trận Tổ quốc", "MTTQ"),
                 ("Ban Chấp hành", "BCH"), ("Ban Thường vụ", "BTV"), ("Thường trực Huyện ủy", "TTHU"),
                 ("Huyện ủy", "HU"), ("Tỉnh ủy", "TU"), ("Trung ương", "TW"), ("Thành phố", "TP"))
ROLES = ("Tổng Bí thư", "Bí thư", "Chủ tịch", "Giám đốc", "Trưởng ban", "Bộ trưởng", "Thủ tướng", "Chánh án",
         "Viện trưởng", "Trưởng phòng", "Tổng giám đốc", "Cục trưởng", "Vụ trưởng", "Chánh văn phòng",
         "Tư lệnh", "Chỉ huy trưởng", "Hiệu trưởng", "Tổng cục trưởng")
_ROLE = re.compile(r"(?<!\w)((?:[Pp]hó|PHÓ)\s+)?(" + "|".join(sorted(ROLES, key=len, reverse=True)) + r")(?!\w)", re.I)
_NEGATOR = re.compile(r"(?<!\w)(không|chưa|chẳng)\s+(?!gian|khí|quân|chỉ|những|ngừng|ít|kể|phải là|lâu|thể thiếu)", re.I)
_PARTIAL = re.compile(r"(?<!\w)(một số|nhiều|phần lớn|hầu hết|đa số|một phần|một bộ phận)(?=\s+\w)")
_TERM = re.compile(r"(?<!\w)((?:[Kk]hóa|[Kk]hoá|Đại hội|lần thứ|thứ)\s+)([IVXL]{1,6}|\d{1,2})(?!\w)")
_TENURE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*([-–])\s*((?:19|20)\d{2})(?!\d)")
_YEAR = re.compile(r"(?<![\d/.,-])((?:19|20)\d{2})(?![\d/.,])")


def _counts(sentence: str) -> list:
    """Counts a reader would swap: not years, not decimals, not parts of a share or a code."""
    out = []
    for n in find_numbers(sentence):
        raw = sentence[n.start:n.end]
        if n.is_year or not raw.isdigit() or len(raw) > 6 or re.match(r"[/%\-\w]", sentence[n.end:n.end + 1]):
            continue
        if sentence[max(0, n.start - 1):n.start] in "/-":
            continue
        out.append(n)
    return out


def _swap(sentence: str, start: int, end: int, new: str) -> str:
    return sentence[:start] + new + sentence[end:]


def _head_word(text: str, end: int) -> str:
    nxt = re.match(r"\s*([^\W\d_]+)", text[end:])
    return fold(nxt.group(1).lower()) if nxt else ""


# ---------------------------------------------------------------- rewrites (supported)


def digits_words(sentence: str, passage: str, rng: random.Random) -> str | None:
    """7 -> 'bảy' or '07', 17 -> 'mười bảy'."""
    counts = [n for n in _counts(sentence) if 2 <= int(n.key) <= 999]
    if not counts:
        return None
    n = rng.choice(counts)
    value = int(n.key)
    new = f"0{value}" if value < 10 and rng.random() < 0.3 else vietnamese_words(value)
    if n.start == 0:
        new = new[0].upper() + new[1:]
    return _swap(sentence, n.start, n.end, new)


def abbreviation(sentence: str, passage: str, rng: random.Random) -> str | None:
    """'Ủy ban nhân dân' <-> 'UBND' (and the other common abbreviations)."""
    options = []
    for full, short in ABBREVIATIONS:
        for m in re.finditer(rf"(?<!\w){full.replace('ủy', '[uủ]ỷ?y?').replace('Ủy', '[UỦ][ỷy]?')}(?!\w)", sentence, re.I):
            options.append((m.start(), m.end(), short))
        for m in re.finditer(rf"(?<!\w){short}(?!\w)", sentence):
            options.append((m.start(), m.end(), full))
    if not options:
        return None
    start, end, new = rng.choice(options)
    return _swap(sentence, start, end, new)


def clause_order(sentence: str, passage: str, rng: random.Random) -> str | None:
    """'Ngày 6-4, lãnh đạo huyện cho biết X.' -> 'Lãnh đạo huyện cho biết X, ngày 6-4.'"""
    m = re.match(r"([^,;:\"“]{3,60}),\s+(.+?)([.!?…]*)$", sentence.strip())
    if not m or len(m.group(1).split()) > 8 or len(m.group(2).split()) < 5 or '"' in m.group(2) or "“" in m.group(2):
        return None
    lead, rest, stop = m.group(1), m.group(2), m.group(3) or "."
    if len(lead.split()) > 1 and lead.split()[1][0].islower():
        lead = lead[0].lower() + lead[1:]
    return f"{rest[0].upper()}{rest[1:]}, {lead}{stop}"


# ---------------------------------------------------------------- fabrications (unsupported)


def count_swap(sentence: str, passage: str, rng: random.Random) -> str | None:
    """A count of the passage given to another noun or action: '36 kỷ luật, 5 khai trừ' -> 'khai trừ 36'.
    Half of them are written as words, as a user may ('Mười bảy tập thể' where the passage says 07)."""
    counts = _counts(sentence)
    if not counts:
        return None
    n = rng.choice(counts)
    stated = {int(x.key) for x in find_numbers(sentence) + find_numbers(passage)}
    rivals = [x for x in _counts(passage) if int(x.key) not in (int(n.key), 0)
              and _head_word(passage, x.end) != _head_word(sentence, n.end)
              and int(x.key) not in {int(y.key) for y in find_numbers(sentence)}]
    if not rivals:
        return None
    value = int(rng.choice(rivals).key)
    if value not in stated:
        return None
    new = vietnamese_words(value) if 1 < value < 1000 and rng.random() < 0.5 else str(value)
    return _swap(sentence, n.start, n.end, new[0].upper() + new[1:] if n.start == 0 else new)


def role_swap(sentence: str, passage: str, rng: random.Random) -> str | None:
    """A deputy named as the head, or the head as a deputy: 'Phó Bí thư X' <-> 'Bí thư X'."""
    if not any(name.is_person for name in find_names(sentence)):
        return None
    roles = list(_ROLE.finditer(sentence))
    if not roles:
        return None
    m = rng.choice(roles)
    if m.group(1):
        new = m.group(2)[0].upper() + m.group(2)[1:] if m.start() == 0 else m.group(2)
    else:
        new = ("Phó " if m.start() == 0 or m.group(2)[0].isupper() else "phó ") + m.group(2)
    return _swap(sentence, m.start(), m.end(), new)


def quantifier(sentence: str, passage: str, rng: random.Random) -> str | None:
    """A part claimed as the whole: '6/18 xã' -> 'cả 18 xã'; 'nhiều cán bộ' -> 'tất cả cán bộ'."""
    share = re.search(r"(?<![\d.,/])(\d{1,5})\s*/\s*(\d{1,5})(?![\d/])", sentence)
    is_date = share and ((int(share.group(1)) <= 31 and int(share.group(2)) <= 12) or int(share.group(2)) >= 1900)
    if share and not is_date and int(share.group(1)) < int(share.group(2)) and not re.search(r"\d\s*/\s*\d+\s*/", sentence):
        whole = share.group(2)
        new = rng.choice([f"cả {whole}", f"tất cả {whole}", f"{whole}/{whole}", f"toàn bộ {whole}"])
        return _swap(sentence, share.start(), share.end(), new)
    partial = _PARTIAL.search(sentence)
    if partial:
        new = rng.choice(["tất cả", "toàn bộ"])
        return _swap(sentence, partial.start(), partial.end(), new[0].upper() + new[1:] if partial.start() == 0 else new)
    return None


def ordinal_term(sentence: str, passage: str, rng: random.Random) -> str | None:
    """'khóa XI' -> 'khóa XII', 'lần thứ 5' -> 'lần thứ 6', 'nhiệm kỳ 2020-2025' -> '2015-2020'."""
    m = _TERM.search(sentence)
    if m:
        raw = m.group(2)
        value = int(raw) if raw.isdigit() else roman_value(raw)
        if value:
            new_value = value + rng.choice([-1, 1]) if value > 1 else value + 1
            new = str(new_value) if raw.isdigit() else _roman(new_value)
            return _swap(sentence, m.start(2), m.end(2), new)
    t = _TENURE.search(sentence)
    if t and 1 <= int(t.group(3)) - int(t.group(1)) <= 10:
        shift = (int(t.group(3)) - int(t.group(1))) * rng.choice([-1, 1])
        return _swap(sentence, t.start(), t.end(), f"{int(t.group(1)) + shift}{t.group(2)}{int(t.group(3)) + shift}")
    return None


def _roman(value: int) -> str:
    out = ""
    for v, s in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= v:
            out, value = out + s, value - v
    return out


def negation(sentence: str, passage: str, rng: random.Random) -> str | None:
    """A negation added ('đã X' -> 'đã không X', 'chưa X') or taken away ('không X' -> 'X')."""
    neg = _NEGATOR.search(sentence)
    if neg and not re.search(r"(?i)không\s+(?:chỉ|những)", sentence):
        out = sentence[:neg.start()] + sentence[neg.end():]
        return out[0].upper() + out[1:] if neg.start() == 0 else out
    done = list(re.finditer(r"(?<!\w)(đã|đều|sẽ)\s+(?=[^\W\d_]{2,})", sentence))
    if not done:
        return None
    m = rng.choice(done)
    new = {"đã": rng.choice(["đã không ", "chưa "]), "đều": "đều không ", "sẽ": "sẽ không "}[m.group(1)]
    return _swap(sentence, m.start(), m.end(), new)


def wrong_place(sentence: str, passage: str, rng: random.Random, districts: list[str]) -> str | None:
    """A province or district the passage does not name, instead of the one it does."""
    names = provinces_in(sentence, capitalised=True) or admin_names_in(sentence)
    names = [n for n in names if n in sentence]
    if not names:
        return None
    old = rng.choice(names)
    pool = PROVINCES if old in PROVINCES else districts
    stated = fold(passage.lower())
    choices = [p for p in pool if fold(p.lower()) not in stated and fold(p.lower()) != fold(old.lower())
               and p not in ("Huế", "Sài Gòn", "Hồ Chí Minh")]
    return sentence.replace(old, rng.choice(choices), 1) if choices else None


def wrong_year(sentence: str, passage: str, rng: random.Random) -> str | None:
    years = list(_YEAR.finditer(sentence))
    if not years:
        return None
    m = rng.choice(years)
    stated = set(re.findall(r"(?:19|20)\d{2}", passage))
    choices = [str(int(m.group(1)) + d) for d in (-3, -2, -1, 1, 2, 3) if str(int(m.group(1)) + d) not in stated]
    return _swap(sentence, m.start(), m.end(), rng.choice(choices)) if choices else None


def wrong_person(sentence: str, passage: str, rng: random.Random, people: list[str]) -> str | None:
    """Someone else: another person named in the passage when there is one, else one from another article."""
    persons = [n for n in find_names(sentence) if n.is_person]
    if not persons:
        return None
    old = rng.choice(persons)
    local = [n.text for n in find_names(passage) if n.is_person and n.key != old.key and n.text not in sentence]
    pool = local or [p for p in people if fold(p.lower()) not in fold(passage.lower())]
    return _swap(sentence, old.start, old.end, rng.choice(pool)) if pool else None


def invented_clause(sentence: str, passage: str, rng: random.Random, clauses: list[str]) -> str | None:
    """The sentence with a clause of another article added: 'X, đồng thời <something else>'."""
    if not clauses:
        return None
    extra = rng.choice(clauses)
    body = sentence.rstrip(" .!?…")
    joiner = rng.choice([", đồng thời ", " và ", ", trong đó ", "; "])
    return f"{body}{joiner}{extra[0].lower() + extra[1:] if extra[1:2].islower() else extra}."
