"""More perturbations of one real sentence (issue 12c): fabrications that keep every number, name and word
of the passage and change only what they are attached to, and a supported sentence whose evidence spans
two neighbouring passages. Same conventions as eval/benchmarks/checker_perturb.py: each function takes the
sentence, its passage and a seeded `random.Random`, returns the new sentence or None.

The vocabulary is general: levels of Vietnamese administration, the contrary-word class of
rag/cite/contrary.py (so the `contrary_word` figure measures how the checker uses that class, on sentences it
was not written from), the offices of checker_perturb.ROLES.
"""

from __future__ import annotations

import random
import re

from eval.benchmarks.checker_perturb import _ROLE, _counts, _head_word, _swap
from rag.cite.facts import find_names
from rag.text.vietnamese import fold, normalize

# A whole over all levels or units, and the single levels one may wrongly give it to.
_WHOLE = re.compile(r"(?<!\w)(toàn (?:huyện|tỉnh|thành phố|thị xã|Đảng bộ|đảng bộ|ngành|quốc|xã)|các cấp(?! ủy| uỷ)|"
                    r"tổng số|tổng cộng|cả nước|cả huyện|cả tỉnh)(?!\w)")
LEVELS = ("cấp huyện", "cấp tỉnh", "cấp xã", "cấp cơ sở", "cấp ủy cơ sở", "chi bộ")
_LEVEL_IN = re.compile(r"(?<!\w)(cấp (?:huyện|tỉnh|xã|cơ sở|thành phố|trung ương)|chi bộ|đảng bộ cơ sở)(?!\w)", re.I)


def _capital(text: str, at_start: bool) -> str:
    return text[0].upper() + text[1:] if at_start and text else text


def number_moved(sentence: str, passage: str, rng: random.Random) -> str | None:
    """Two counts of one sentence that count different things, given to each other ('kỷ luật 36, khai trừ 5'
    -> 'kỷ luật 5, khai trừ 36'), or one given the other's value ('... khai trừ 36')."""
    counts = _counts(sentence)
    options = [(a, b) for i, a in enumerate(counts) for b in counts[i + 1:]
               if int(a.key) != int(b.key) and int(a.key) > 0 and int(b.key) > 0
               and _head_word(sentence, a.end) != _head_word(sentence, b.end)]
    if not options:
        return None
    a, b = rng.choice(options)
    ra, rb = sentence[a.start:a.end], sentence[b.start:b.end]
    if rng.random() < 0.5:  # swap: b first, so a's offsets stay valid
        return _swap(_swap(sentence, b.start, b.end, ra), a.start, a.end, rb)
    if rng.random() < 0.5:
        return _swap(sentence, b.start, b.end, ra)
    return _swap(sentence, a.start, a.end, rb)


def total_vs_part(sentence: str, passage: str, rng: random.Random) -> str | None:
    """A count over all levels given to one level: 'toàn huyện kỷ luật 40' -> 'cấp cơ sở kỷ luật 40'. The level
    is one the passage names (as a part) when it names one."""
    if not _counts(sentence):
        return None
    wholes = list(_WHOLE.finditer(sentence))
    if not wholes:
        return None
    m = rng.choice(wholes)
    named = [x.group(1).lower() for x in _LEVEL_IN.finditer(passage)]
    level = rng.choice(named or list(LEVELS))
    return _swap(sentence, m.start(), m.end(), _capital(level, m.start() == 0))


def contrary_word(sentence: str, passage: str, rng: random.Random) -> str | None:
    """A change or outcome turned to its contrary without a 'không': 'tăng' -> 'giảm', 'tiếp tục' -> 'tạm
    dừng', 'hoàn thành' -> 'chưa hoàn thành', 'đạt' -> 'không đạt'."""
    from rag.cite.contrary import _poles, contrary_of, listed

    text = normalize(sentence)
    lower = text.lower()
    options = []
    # the words the contrary class reads as such here ("tăng cường", "gia tăng" are not "tăng"), not negated;
    # offsets hold because lower() keeps the length of Vietnamese text
    for start, end, word, sign, _ in listed(lower):
        pole, own = _poles()[word]
        if sign != own or lower[start:end] != word:
            continue
        choices = list(contrary_of(word)) + ([f"chưa {word}", f"không {word}"] if pole == "outcome" and own > 0 else [])
        options.append((start, end, choices))
    if not options:
        return None
    start, end, choices = rng.choice(options)
    return _swap(text, start, end, _capital(rng.choice(choices), start == 0))


def role_without_person(sentence: str, passage: str, rng: random.Random) -> str | None:
    """The passage writes a deputy's office with nobody named ('Phó Bí thư Huyện ủy phát biểu'); the sentence
    gives the office to the head, and names a person of the passage as holding it when there is one."""
    if any(n.is_person for n in find_names(sentence)):
        return None
    deputies = [m for m in _ROLE.finditer(sentence) if m.group(1)]
    if not deputies:
        return None
    m = rng.choice(deputies)
    office = _capital(m.group(2), m.start() == 0)
    people = [n.text for n in find_names(passage) if n.is_person and n.text not in sentence]
    new = f"{'Đồng chí' if m.start() == 0 else 'đồng chí'} {rng.choice(people)} - {m.group(2)}" if people else office
    return _swap(sentence, m.start(), m.end(), new)


def invented_clause_near(sentence: str, passage: str, rng: random.Random, article_clauses: list[str]) -> str | None:
    """A clause of the same article, from outside the passage, appended: it shares the article's vocabulary,
    so only what it says is new. It must bring at least two words the passage does not have."""
    stated = set(re.findall(r"\w+", fold(passage.lower())))
    fresh = [c for c in article_clauses if fold(c.lower()) not in fold(passage.lower())
             and len({w for w in re.findall(r"\w+", fold(c.lower())) if len(w) > 2} - stated) >= 2]
    if not fresh:
        return None
    extra = rng.choice(fresh)
    body = sentence.rstrip(" .!?…")
    return f"{body}{rng.choice([', đồng thời ', ' và ', ', trong đó '])}{extra[0].lower() + extra[1:] if extra[1:2].islower() else extra}."


def spanning(first: str, second: str) -> str | None:
    """One sentence made of two neighbouring sentences ('X. Y.' -> 'X, Y.'): supported by the two passages
    that hold them together, by neither alone."""
    if len(first.split()) > 30 or len(second.split()) > 30:
        return None
    tail = second[0].lower() + second[1:] if second[1:2].islower() or second[1:2] == " " else second
    return f"{first.rstrip(' .!?…')}, {tail}"
