"""What a sentence says about its facts, compared with what the passage says about the same facts: the
role a person holds (Bí thư vs Phó Bí thư), a whole claimed where the passage gives a part ("cả 18 xã" vs
"6/18 xã"), and negation ("chưa hoàn thành" vs "hoàn thành").

Pure functions over match forms (accent-folded syllables, abbreviations expanded); `rag.cite.support`
turns their findings into reasons.
"""

from __future__ import annotations

import re

from rag.cite.context import ADMIN_WORDS
from rag.cite.text import contains_phrase, match_form
from rag.text.vietnamese import fold, normalize

# Offices of Vietnamese Party and state bodies (folded). "pho" before one makes a deputy; "nguyen" a former holder.
_ROLE_HEADS = ("tong bi thu", "bi thu", "chu tich", "tong giam doc", "giam doc", "truong ban", "bo truong",
               "thu tuong", "chanh an", "vien truong", "truong phong", "cuc truong", "vu truong",
               "chanh van phong", "tu lenh", "chi huy truong", "hieu truong", "tong cuc truong", "chu nhiem")
_ROLE = re.compile(r"(?<!\w)(pho |thu )?(" + "|".join(sorted(_ROLE_HEADS, key=len, reverse=True)) + r")(?!\w)")
_ROLE_REACH = 10  # syllables around a name where its title is written ("Phó Bí thư Huyện ủy X", "X, Bí thư ...")
# Before a name, an office is its title when at most this many words other than a body's (rag.cite.context's
# ADMIN_WORDS: "thường trực", "huyện ủy", "UBND ủy ban nhân dân huyện") stand between them: the place of the body
# ("Bí thư Huyện ủy Tháp Mười X", "Chủ tịch UBND tỉnh Bà Rịa Vũng Tàu X"), looked for up to _TITLE_BEFORE syllables.
_TITLE_GAP = 4
_TITLE_BEFORE = 18

# A negator is a word of its own: "không gian", "không khí", "hàng không" are nouns, "không chỉ ... mà còn"
# and "không ngừng" affirm.
_NEGATOR = re.compile(r"(?<!\w)(?<!hang )(khong|chua|chang|khong he|chua he)(?! (?:gian|khi|quan|chi|nhung|ngung|it|ke|luc|phan|so|biet bao|the thieu|lau|ai)\b)(?!\w)")
_NEGATED_QUESTION = re.compile(r"(?<!\w)(?:hay|hoac|or) (?:khong|chua)(?!\w)")

# A whole ("tất cả", "toàn bộ", "cả 18", "18/18", "100%") and the words by which a passage states one.
# With diacritics: folded, "mọi" (every) would be "mới" (new) and "cả" (all) "cá" (fish).
_WHOLE_CLAIM = re.compile(r"(?<!\w)(tất cả|toàn bộ|cả (\d+)|mọi)(?!\w)")
_WHOLE_SOURCE = re.compile(r"(?<!\w)(tất cả|toàn bộ|toàn thể|mọi|100 ?%|all|every)(?!\w)")
_WHOLE_SHARE = re.compile(r"(?<![\d/])(\d+)\s*/\s*(\d+)(?![\d/])")


_NEXT_PERSON = re.compile(r"(?<!\w)(?:dong chi|ong|ba)(?!\w)")


def _mentions(form: str, person: str):
    return re.finditer(rf"(?<!\w){re.escape(person)}(?!\w)", form)


def _after_name(form: str, mention: re.Match, reach: int) -> str:
    """Up to `reach` syllables after a mention of a person, cut where the next person is introduced."""
    after = " ".join(form[mention.end():].split()[:reach])
    stop = _NEXT_PERSON.search(after)
    return after[:stop.start()] if stop else after


def person_roles(form: str, person: str) -> list[tuple[str, bool]]:
    """(office, is deputy) written next to each mention of `person` in a match form: the title nearest
    before the name ("Bí thư Huyện ủy X") and every title after it up to the next person ("X- Phó Bí thư
    HU- Chủ tịch UBND huyện": one person may hold two offices)."""
    out = []
    for m in _mentions(form, person):
        before = " ".join(form[:m.start()].split()[-_TITLE_BEFORE:])
        after = _after_name(form, m, _ROLE_REACH)
        found = [r for r in _ROLE.finditer(before)
                 if sum(w not in ADMIN_WORDS for w in before[r.end():].split()) <= _TITLE_GAP]
        roles = found[-1:] + list(_ROLE.finditer(after))
        out.extend((r.group(2), r.group(1) is not None) for r in roles)
    return out


# The bodies whose offices are confused most ("Chủ tịch UBND" for "Chủ tịch HĐND"), as the match form writes
# them: the abbreviation (kept beside its expansion) or the full name, and the Party committee of a level.
_BODY_KINDS = (("ubnd", ("ubnd", "uy ban nhan dan")), ("hdnd", ("hdnd", "hoi dong nhan dan")),
               ("mttq", ("mttq", "uy ban mat tran to quoc", "mat tran to quoc")),
               ("cap uy", ("huyen uy", "tinh uy", "thanh uy", "dang uy", "hu", "tu", "thu", "tthu")))


_BODY_AFTER_NAME = 18


def body_kind(words_after_office: str) -> str:
    """The body an office belongs to, from the words right after it ('chủ tịch UBND huyện' -> 'ubnd'), or ''
    when they name none of _BODY_KINDS ("thường trực" before the body is skipped)."""
    words = words_after_office.removeprefix("thuong truc ").split()
    for kind, names in _BODY_KINDS:
        if any(words[:len(n.split())] == n.split() for n in names):
            return kind
    return ""


def _roles_with_bodies(form: str, person: str) -> list[tuple[str, bool, str]]:
    """person_roles with the body of each office written after the name ('', if none is named)."""
    out = []
    for m in _mentions(form, person):
        # further than _ROLE_REACH: the match form writes an abbreviation and its expansion ("tthu thuong truc
        # huyen uy"), so the second of two offices' body sits up to ~16 syllables after the name
        after = _after_name(form, m, _BODY_AFTER_NAME)
        out.extend((r.group(2), r.group(1) is not None, body_kind(after[r.end():].strip()))
                   for r in _ROLE.finditer(after))
    return out


def _body_reasons(person: str, claim_form: str, source_forms: list[str]) -> list[str]:
    """The person's office of another body: 'X, Chủ tịch UBND' where the passage writes 'X- Chủ tịch HĐND'."""
    stated = [r for f in source_forms for r in _roles_with_bodies(f, person)]
    reasons = []
    for office, deputy, body in _roles_with_bodies(claim_form, person):
        bodies = {b for o, d, b in stated if o == office and d == deputy and b}
        if body and bodies and body not in bodies:
            reasons.append(f"in the passage, {person} is {'pho ' if deputy else ''}{office} {'/'.join(sorted(bodies))}, "
                           f"not of the {body}")
    return reasons


def role_reasons(claim_form: str, persons: tuple[str, ...], source_forms: list[str]) -> list[str]:
    """A person given an office the passage gives them only as a deputy, or the other way round, or the
    office of another body."""
    reasons = []
    for person in persons:
        claimed = person_roles(claim_form, person)
        stated = [r for f in source_forms for r in person_roles(f, person)]
        reasons += _body_reasons(person, claim_form, source_forms)
        for office, deputy in claimed:
            same_office = [d for o, d in stated if o == office]
            if same_office and deputy not in same_office:
                title = ("deputy " if deputy else "") + office
                reasons.append(f"in the passage, {person} is not '{title}'")
            elif not same_office and stated and not any(o == office for o, _ in stated):
                held = ", ".join(sorted({("pho " if d else "") + o for o, d in stated}))
                reasons.append(f"in the passage, {person} is {held}, not {('pho ' if deputy else '') + office}")
    return reasons


def office_reasons(claim_form: str, source_forms: list[str]) -> list[str]:
    """'Phó Bí thư Thành ủy Đà Nẵng' where the passage writes only 'Bí thư Thành ủy Đà Nẵng' (or the other way
    round): the office with the body it belongs to, whoever holds it."""
    def offices(form: str) -> dict[tuple[str, str], set[bool]]:
        out: dict[tuple[str, str], set[bool]] = {}
        for m in _ROLE.finditer(form):
            body = " ".join(form[m.end():].split()[:3])
            out.setdefault((m.group(2), body), set()).add(m.group(1) is not None)
        return out

    stated: dict[tuple[str, str], set[bool]] = {}
    for f in source_forms:
        for key, flags in offices(f).items():
            stated.setdefault(key, set()).update(flags)
    reasons = []
    for (office, body), flags in offices(claim_form).items():
        # the same office of the same body: the shorter body is the start of the longer one, two syllables at
        # least (a body cut by the end of a sentence, "phó chủ tịch phụ trách." against "chủ tịch phụ trách ...")
        same = [f for (o, b), f in stated.items() if o == office and _same_body(body, b)]
        held = set().union(*same) if same else set()
        if held and not flags & held:
            reasons.append(f"the passage names '{'pho ' if not next(iter(flags)) else ''}{office} {body}', "
                           "not this office")
    return reasons


def head_office_reasons(claim_form: str, source_forms: list[str]) -> list[str]:
    """An office the sentence gives as held ('Bí thư Huyện ủy', 'trưởng phòng') that the passage writes only
    with 'phó' before it, whoever it names or does not name: the deputy is not the head."""
    written: dict[str, set[bool]] = {}
    for f in source_forms:
        for m in _ROLE.finditer(f):
            written.setdefault(m.group(2), set()).add(m.group(1) == "pho ")
    reasons = []
    for office in dict.fromkeys(m.group(2) for m in _ROLE.finditer(claim_form) if m.group(1) is None):
        if written.get(office) == {True}:
            reasons.append(f"the passage names only a deputy ('pho {office}'), not the {office}")
    # The same office of the same body: the passage's mention whose following words run longest like the
    # sentence's ('chủ tịch UBND TP Cần Thơ', 'trưởng phòng từ năm 2013') decides, when only a deputy holds it.
    for m in _ROLE.finditer(claim_form):
        office = m.group(2)
        if m.group(1) is not None or written.get(office) != {True, False}:
            continue
        body = claim_form[m.end():].split()[:_BODY_REACH]
        best, deputy = 0, set()
        for f in source_forms:
            for n in _ROLE.finditer(f):
                if n.group(2) != office or n.group(1) == "thu ":
                    continue
                shared = _common_prefix(body, f[n.end():].split()[:_BODY_REACH])
                if shared > best:
                    best, deputy = shared, {n.group(1) == "pho "}
                elif shared == best:
                    deputy.add(n.group(1) == "pho ")
        if best >= 1 and deputy == {True}:
            reasons.append(f"the passage names only a deputy ('pho {office} {' '.join(body[:best])}'), not the {office}")
    return list(dict.fromkeys(reasons))


_BODY_REACH = 8  # syllables after an office that name its body ("ủy ban nhân dân thành phố Cần Thơ")


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _same_body(a: str, b: str) -> bool:
    a_words, b_words = a.split(), b.split()
    k = min(len(a_words), len(b_words))
    return a == b or (k >= 2 and a_words[:k] == b_words[:k])


_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2}|\d{2})(?!\d)")


def range_reasons(claim_text: str, source_texts: list[str]) -> list[str]:
    """'nhiệm kỳ 2016-2021', 'giai đoạn 2016-2020': a term or period is stated whole, not year by year."""
    stated = {(a, b[-2:]) for t in source_texts for a, b in _RANGE.findall(t)}
    if not stated:
        return []  # the passage gives no period at all: the years are checked one by one
    return [f"the passage gives no period {a}-{b}" for a, b in _RANGE.findall(claim_text) if (a, b[-2:]) not in stated]


def negated_pairs(form: str) -> tuple[set[str], set[str]]:
    """(word pairs right after a negator, word pairs asserted) of a match form: "chưa thực hiện trách nhiệm"
    negates "thuc hien" there, whatever the same words do elsewhere."""
    words = _NEGATED_QUESTION.sub(" ", form).split()
    text = " ".join(words)
    starts = {len(text[:m.start()].split()): len(m.group(1).split()) for m in _NEGATOR.finditer(text)}
    negated: set[str] = set()
    plain: set[str] = set()
    after_negator = -1
    for i in range(len(words) - 1):
        if i in starts:
            after_negator = i + starts[i]
            continue
        pair = f"{words[i]} {words[i + 1]}"
        if i == after_negator:
            negated.add(pair)
        elif i > after_negator:
            plain.add(pair)
    return negated, plain


def negation_reasons(claim_form: str, local_forms: list[str]) -> list[str]:
    """The sentence denies what the passage asserts, or asserts what it denies: the words right after a
    negator on one side stand asserted, with no negator, on the other."""
    if not local_forms:
        return []
    mine_negated, mine_plain = negated_pairs(claim_form)
    theirs_negated, theirs_plain = set(), set()
    for f in local_forms:
        n, p = negated_pairs(f)
        theirs_negated |= n
        theirs_plain |= p
    if (mine_negated - theirs_negated) & theirs_plain:
        return ["the sentence states a negation that the passage does not"]
    if (theirs_negated - mine_negated) & mine_plain:
        return ["the passage states a negation that the sentence leaves out"]
    return []


def quantifier_reasons(claim_text: str, local_texts: list[str]) -> list[str]:
    """'cả 18 xã', 'tất cả', '18/18' where the passage's clauses give a part ('6/18') or no whole at all."""
    claim_form = normalize(claim_text).lower()
    local_forms = [normalize(t).lower() for t in local_texts]
    wholes = [m for m in _WHOLE_CLAIM.finditer(claim_form)]
    shares = [(int(a), int(b)) for a, b in _WHOLE_SHARE.findall(claim_form)]
    claims_whole = bool(wholes) or any(a == b for a, b in shares) or bool(re.search(r"(?<![\d.,])100 ?%", claim_form))
    if not claims_whole:
        return []
    local = " | ".join(local_forms)
    for a, b in _WHOLE_SHARE.findall(local):
        totals = {m.group(2) for m in wholes if m.group(2)} | {str(y) for x, y in shares if x == y}
        if int(a) < int(b) and str(int(b)) in totals:
            return [f"the passage gives {a}/{b}, not all {b}"]
    if any(_WHOLE_SOURCE.search(f) for f in local_forms) or any(int(a) == int(b) for a, b in _WHOLE_SHARE.findall(local)):
        return []
    totals = {str(int(m.group(2))) for m in wholes if m.group(2)}
    if any(re.search(rf"(?<!\w)(?:cả|đều) {t}(?!\w)|(?<!\w){t}\W+(?:\w+ ){{0,4}}đều(?!\w)", local) for t in totals):
        return []  # "cả 18 xã", "18 xã đều ..."
    return ["the sentence claims a whole ('all') that the passage does not state"]


def light_form(text: str) -> str:
    """Folded and lower-cased with punctuation kept: '6/18' stays a share (match forms drop the '/')."""
    return fold(normalize(text)).lower()


# Where an added clause starts: a comma, a semicolon, "và", "đồng thời", "trong đó", "nhưng" (match forms).
_SEGMENT = re.compile(r"[,;:()]|(?<!\w)(?:va|dong thoi|trong do|nhung|con|and|while)(?!\w)")


def segment_coverages(claim: str, passage_forms: list[str], content_words, min_words: int) -> list[tuple[str, float]]:
    """(part, share of its content words found in the passages) for each part of the sentence between commas
    and conjunctions with at least `min_words` content words."""
    out = []
    for part in _SEGMENT.split(light_form(claim)):
        words = [w for w in content_words(part)]
        if len(words) < min_words:
            continue
        found = sum(1 for w in words if any(contains_phrase(f, w) for f in passage_forms))
        out.append((part.strip(), found / len(words)))
    return out


def uncovered_segments(claim: str, passage_forms: list[str], content_words, min_words: int,
                       min_coverage: float) -> list[str]:
    """Parts of the sentence (between commas and conjunctions) whose content words the passages mostly lack:
    an invented clause added to a supported one."""
    return [part for part, share in segment_coverages(claim, passage_forms, content_words, min_words)
            if share < min_coverage]


def _number_slots(text: str) -> list[tuple[str, str, str]]:
    """(number key, the word before it, the word after it) in match form, for each count of the text."""
    from rag.cite.facts import find_numbers

    out = []
    for n in find_numbers(text):
        if n.is_year:
            continue
        before = re.findall(r"[^\W\d_]+", text[max(0, n.start - 30):n.start])
        after = re.findall(r"[^\W\d_]+", text[n.end:n.end + 30])
        between_before = text[max(0, n.start - 30):n.start]
        # a neighbour behind punctuation ("(21 tuổi)", "771.") is no neighbour
        prev = match_form(before[-1]) if before and re.search(r"[^\W\d_]+\s*$", between_before) else ""
        nxt = match_form(after[0]) if after and re.match(r"\s*[^\W\d_]", text[n.end:]) else ""
        out.append((n.key, prev, nxt))
    return out


def slot_reasons(claim: str, best_clause: str, passage_text: str) -> list[str]:
    """A count put where the passage's closest clause has another: same word before and after it
    ("có 14 năm công tác" where the clause says "có 16 năm công tác"), unless the passage also states the
    sentence's count in that place elsewhere."""
    stated = _number_slots(best_clause)
    keys = {k for k, _, _ in stated}
    elsewhere = _number_slots(passage_text)
    reasons = []
    for key, prev, nxt in _number_slots(claim):
        if key in keys or not (prev or nxt):
            continue
        if any(k == key and ((prev and p == prev) or (nxt and n == nxt)) for k, p, n in elsewhere):
            continue
        for other, p, n in stated:
            if (prev == p or not prev or not p) and (nxt == n or not nxt or not n) and (prev == p or nxt == n):
                reasons.append(f"where the passage gives {other}, the sentence gives {key}")
                break
    return reasons


def order_reasons(claim: str, best_clause: str, passage_text: str) -> list[str]:
    """Counts of one clause given to each other's places: 'nhóm 2 và ... nhóm 1' where the clause says 'nhóm 1
    và ... nhóm 2'. A count whose words on both sides are those of another count in the clause, while the
    passage never writes it between those words."""
    stated = _number_slots(best_clause)
    everywhere = _number_slots(passage_text)
    reasons = []
    for key, prev, nxt in _number_slots(claim):
        if not (prev and nxt):
            continue
        there = {k for k, p, n in stated if (p, n) == (prev, nxt)}
        if there and key not in there and not any(k == key and (p, n) == (prev, nxt) for k, p, n in everywhere):
            reasons.append(f"between '{prev}' and '{nxt}' the passage gives {', '.join(sorted(there))}, not {key}")
    return reasons
