"""Clauses of a long sentence, so a bullet can quote the informative part rather than the whole sentence.

News sentences in Vietnamese reports chain many results with commas ("…đã xem xét, kiểm tra dấu hiệu vi
phạm, …, trong năm đã xem xét, thi hành kỷ luật 36 đảng viên bằng các hình thức …"): quoting the whole
sentence spends the answer's word budget on one point. A sentence longer than `long_words` is cut at
its commas and colons (outside quotation marks), but only where a new phrase starts: the words since the
previous comma number at least `item_words` and those up to the next comma at least `phrase_words`, so an
enumeration of short items ("lãnh đạo, quán triệt, học tập và thực hiện Nghị quyết, chỉ thị, …") is not
cut. Pieces shorter than `min_words` are joined to the next one, and a short tail joins the piece before.
Nor is it cut before an office set beside a name or another office by a comma, the apposition of Vietnamese news
("ông Trần Thế Thuận, Phó bí thư quận ủy, Chủ tịch UBND quận 1 đã được chỉ định …", "Bí thư Thành ủy, Chủ tịch
HĐND TP Nguyễn Xuân Anh …"): cut there, a bullet quotes a name without what it did ("Trước đó, ông Trần Thế Thuận")
or an office alone ("Chủ tịch HĐND TP Đà Nẵng"); nor at the comma that closes such an apposition, which would part
the subject from its verb ("ông Nguyễn Xuân Anh, Bí thư Thành ủy, Chủ tịch HĐND TP, xác nhận …").
The word counts are stated, not tuned.
Every clause is an exact substring of the sentence, so a citation's quote is still found in its passage.
"""

from __future__ import annotations

import re

from rag.answer.salience import ROLE

# A comma or colon, or a full stop with its space lost ("nhiệm kỳ 2021-2026.Thực hiện tốt …": two sentences
# the splitter saw as one; a lowercase letter or digit before it, so "TP.HCM" is not cut).
_BOUNDARY = re.compile(r"[,:]\s+|(?<=[a-zà-ỹđ0-9])\.(?=[A-ZĐÀ-Ỹ][a-zà-ỹđ])")
_OPEN, _CLOSE = "“\"«(", "”\"»)"
# An office opening the words after a comma (rag.answer.salience's office words, with "nguyên" former, "kiêm"
# concurrently, "tổng" of Tổng Bí thư): those words stand beside the name or office before the comma.
_APPOSITION = re.compile(rf"(?:(?:nguyên|kiêm|đồng thời là|tổng)\s+)*{ROLE.pattern}", re.I)


def _outside_quotes(text: str, position: int) -> bool:
    depth = 0
    for ch in text[:position]:
        if ch in "“«(":
            depth += 1
        elif ch in "”»)":
            depth = max(0, depth - 1)
        elif ch == '"':
            depth = 0 if depth else 1
    return depth == 0


def clause_spans(sentence: str, long_words: int = 20, min_words: int = 6, item_words: int = 4,
                 phrase_words: int = 5, keep_appositions: bool = True) -> list[tuple[int, int]]:
    """The (start, end) character spans of the clauses of `sentence`, in order (stripped of the comma, colon or
    semicolon that ends them), or [] when it is no longer than `long_words` or has no cut. `keep_appositions=False`
    also cuts at the commas of an apposition: rag.answer.compress trims at them, keeping only a contiguous run
    of the clauses that carry facts, never a bare name or office alone."""
    if len(sentence.split()) <= long_words:
        return []
    marks = [m for m in _BOUNDARY.finditer(sentence) if _outside_quotes(sentence, m.start())]
    edges = [0] + [m.end() for m in marks] + [len(sentence)]
    starts = [0]
    beside = [keep_appositions and m.group(0) != "." and _APPOSITION.match(sentence, m.end()) is not None
              for m in marks]
    for i, m in enumerate(marks, start=1):
        before = len(sentence[edges[i - 1]:m.start()].split())
        after = len(sentence[m.end():edges[i + 1]].split())
        # not before an apposition, nor at the comma that closes one ("ông X, Bí thư …, xác nhận …")
        apposition = beside[i - 1] or (i > 1 and beside[i - 2])
        if m.group(0) == "." or (before >= item_words and after >= phrase_words and not apposition):
            starts.append(m.end())
    spans: list[tuple[int, int]] = []
    begin = 0
    for i, start in enumerate(starts[1:] + [len(sentence)]):
        piece = sentence[begin:start]
        if len(piece.split()) >= min_words or start == len(sentence):
            spans.append((begin, start))
            begin = start
    if len(spans) > 1 and len(sentence[spans[-1][0]:spans[-1][1]].split()) < min_words:
        spans[-2:] = [(spans[-2][0], spans[-1][1])]
    out = []
    for a, b in spans:
        piece = sentence[a:b]
        a += len(piece) - len(piece.lstrip())
        b = a + len(sentence[a:b].rstrip().rstrip(",:; "))
        if b > a:
            out.append((a, b))
    return out if len(out) > 1 else []


def clauses(sentence: str, long_words: int = 20, min_words: int = 6, item_words: int = 4,
            phrase_words: int = 5, keep_appositions: bool = True) -> list[str]:
    """The clauses of `sentence` (exact substrings, in order), or [] when it is short or has no cut."""
    return [sentence[a:b] for a, b in clause_spans(sentence, long_words, min_words, item_words, phrase_words,
                                                   keep_appositions)]
