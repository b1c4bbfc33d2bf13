"""Contrary words: a sentence that says "giảm" where its passage says "tăng" contradicts it without any
"không". News reports change and outcome with a small closed class of verbs and adjectives, each with a
contrary (the class below, written from Vietnamese grammar and news style, not from any test sentence):

  - direction of change: tăng / giảm, nâng / hạ, mở rộng / thu hẹp, cao hơn / thấp hơn, lãi / lỗ;
  - continuation: tiếp tục / dừng, tạm dừng, ngừng, tạm ngừng, chấm dứt; bắt đầu, khởi động / kết thúc;
  - outcome: hoàn thành, đạt, vượt / chưa hoàn thành, không đạt, chưa đạt, dở dang; thắng / thua;
    thuận lợi / khó khăn; tích cực / tiêu cực; đúng tiến độ / chậm tiến độ;
  - decision: đồng ý, tán thành, nhất trí, chấp thuận, thông qua, phê duyệt / phản đối, bác bỏ, từ chối;
  - personnel and bodies: khen thưởng / kỷ luật; kết nạp / khai trừ; bổ nhiệm / miễn nhiệm, cách chức;
    thành lập / giải thể.

Each word has a pole (the pair it belongs to) and a sign; a negator before it ("không đạt", "chưa hoàn
thành") flips the sign. A sentence contradicts its passage on a pole when it gives it one sign and the
passage's clauses give it only the other.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text.vietnamese import normalize

# (pole, positive words, negative words), lower case with diacritics: folded, "tăng" would also be "tầng",
# "tặng", and "đạt" "đất", "đặt". Words that start longer words of another meaning are cut by _NOT_AFTER
# ("tăng cường" strengthens, "tăng trưởng" is growth, "hạ tầng" is infrastructure).
CONTRARIES = (
    ("change", ("tăng", "nâng", "tăng lên"), ("giảm", "hạ", "giảm xuống")),
    ("extent", ("mở rộng",), ("thu hẹp",)),
    ("level", ("cao hơn",), ("thấp hơn",)),
    ("profit", ("lãi",), ("lỗ",)),
    ("continue", ("tiếp tục", "duy trì"), ("dừng", "tạm dừng", "ngừng", "tạm ngừng", "chấm dứt", "dừng lại")),
    ("start", ("bắt đầu", "khởi động"), ("kết thúc",)),
    ("outcome", ("hoàn thành", "đạt", "vượt"), ("dở dang",)),
    ("contest", ("thắng",), ("thua",)),
    ("conditions", ("thuận lợi",), ("khó khăn",)),
    ("tone", ("tích cực",), ("tiêu cực",)),
    ("schedule", ("đúng tiến độ", "đúng hạn"), ("chậm tiến độ", "trễ hạn", "chậm")),
    ("decision", ("đồng ý", "tán thành", "nhất trí", "chấp thuận", "thông qua", "phê duyệt"),
     ("phản đối", "bác bỏ", "từ chối")),
    ("merit", ("khen thưởng",), ("kỷ luật",)),
    ("membership", ("kết nạp",), ("khai trừ",)),
    ("appointment", ("bổ nhiệm",), ("miễn nhiệm", "cách chức")),
    ("existence", ("thành lập",), ("giải thể",)),
)
# Syllables after (or before) a listed word that make it part of a word of another meaning.
_NOT_AFTER = {
    "tăng": ("cường", "trưởng", "gia"), "nâng": ("cao", "đỡ", "niu"),
    "hạ": ("tầng", "long", "thủy", "cánh", "sĩ", "nguồn", "lưu", "màn", "huyệt", "bệ"), "giảm": ("thiểu", "nghèo"),
    "lãi": ("suất", "vay", "xuất"), "vượt": ("qua", "khó", "lũ", "lên"),
    "chậm": ("trễ", "nhất"), "dừng": ("chân",), "thua": ("kém", "thiệt", "lỗ"), "lỗ": ("hổng", "lực"),
}
# ("gia tăng" is "tăng", so "gia" is not listed before it; "tăng gia" (sản xuất) is another word)
_NOT_BEFORE = {"hạ": ("bệ", "thiên", "mùa"), "đạt": ("truyền", "diễn", "chuyển", "tống", "thành"),
               "chậm": ("lề",)}
_NEGATOR = ("không", "chưa", "chẳng", "không hề", "chưa hề", "không thể")


def tone_form(text: str) -> str:
    """Lower-case words with diacritics (one tone convention), punctuation dropped."""
    return " ".join(re.findall(r"\w+", normalize(text).lower()))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    words = sorted({w for _, pos, neg in CONTRARIES for w in pos + neg}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)")


@lru_cache(maxsize=1)
def _poles() -> dict[str, tuple[str, int]]:
    out = {}
    for pole, positive, negative in CONTRARIES:
        out.update({w: (pole, 1) for w in positive})
        out.update({w: (pole, -1) for w in negative})
    return out


def listed(form: str) -> list[tuple[int, int, str, int, str]]:
    """(start, end, word, sign, the word after it) of each listed word in a tone form, a negator before it
    ("không đạt", "chưa hoàn thành", "không được tiếp tục": up to two syllables before) flipping its sign."""
    out = []
    for m in _pattern().finditer(form):
        word = m.group(1)
        after = form[m.end():].split()[:1]
        before = form[:m.start()].split()
        if after and after[0] in _NOT_AFTER.get(word, ()):
            continue
        if before and before[-1] in _NOT_BEFORE.get(word, ()):
            continue
        sign = _poles()[word][1]
        if any(" ".join(before[-k - n:len(before) - k]) in _NEGATOR for n in (1, 2) for k in (0, 1)):
            sign = -sign
        out.append((m.start(), m.end(), word, sign, after[0] if after else ""))
    return out


def polarities(form: str) -> dict[tuple[str, str], set[int]]:
    """{(pole, the word after it): signs} and {(pole, ""): signs} that a tone form gives the listed words."""
    out: dict[tuple[str, str], set[int]] = {}
    for _, _, word, sign, after in listed(form):
        pole = _poles()[word][0]
        out.setdefault((pole, after), set()).add(sign)
        out.setdefault((pole, ""), set()).add(sign)
    return out


def contrary_reasons(claim_form: str, local_forms: list[str]) -> list[str]:
    """The sentence gives a change or outcome to something with the sign the passage's clauses never give
    it: compared for the same object ("giảm áp lực" vs "nâng áp lực") when the passage has that object after
    a word of the pole, else for the pole as a whole (tone forms)."""
    if not local_forms:
        return []
    stated: dict[tuple[str, str], set[int]] = {}
    for f in local_forms:
        for key, signs in polarities(f).items():
            stated.setdefault(key, set()).update(signs)
    reasons = []
    for start, end, word, sign, after in listed(claim_form):
        pole = _poles()[word][0]
        signs = stated.get((pole, after)) or stated.get((pole, ""))
        if signs and sign not in signs:
            reasons.append(f"the passage says the contrary of '{word}' here ({pole})")
        elif _closest_object_sign(pole, claim_form[end:], local_forms) == -sign:
            reasons.append(f"the passage says the contrary of '{word}' for what follows it ({pole})")
    return list(dict.fromkeys(reasons))


# Syllables after a listed word that name what it is said of, and how many the passage must share with them
# for its word to be about the same thing ("tiếp tục | thực hiện mô hình Trưởng Ban Dân vận" against
# "dừng | thực hiện mô hình Trưởng Ban Dân vận").
OBJECT_WINDOW = 6
MIN_OBJECT_OVERLAP = 4


def _closest_object_sign(pole: str, claim_rest: str, local_forms: list[str]) -> int:
    """The sign the passage gives the word of `pole` whose following words overlap most with the sentence's
    (0 when none overlaps enough, or the closest ones disagree among themselves)."""
    wanted = set(claim_rest.split()[:OBJECT_WINDOW])
    best, signs = 0, set()
    for form in local_forms:
        for _, end, word, sign, _ in listed(form):
            if _poles()[word][0] != pole:
                continue
            shared = len(wanted & set(form[end:].split()[:OBJECT_WINDOW]))
            if shared > best:
                best, signs = shared, {sign}
            elif shared == best:
                signs.add(sign)
    return signs.pop() if best >= MIN_OBJECT_OVERLAP and len(signs) == 1 else 0


def contrary_of(word: str) -> tuple[str, ...]:
    """The words of the other sign of `word`'s pole; used to write perturbations."""
    pole, sign = _poles().get(word, ("", 0))
    for name, positive, negative in CONTRARIES:
        if name == pole:
            return negative if sign > 0 else positive
    return ()
