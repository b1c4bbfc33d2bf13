"""Rewrites a person summarising a passage makes (issue 12d), all supported: the same conventions as
eval/benchmarks/checker_perturb.py (sentence, passage, seeded `random.Random` -> new sentence or None).

- `synonym`: one or two words of administrative news replaced by a near-synonym from the short class below
  (verbs and adverbs of "doing/strengthening/focusing", written from Vietnamese news style as a class, not from
  any pair: the checker does not read this table; it has no synonym list of its own);
- `summary`: one part of a list between commas that holds no number or name left out, and a lead-in
  ("Theo đó", "Bên cạnh đó", "Dịp này") dropped: a summary says less with the same facts.
"""

from __future__ import annotations

import random
import re

# Near-synonyms of local-government news, (word, a word a summariser writes for it): one way, because the
# reverse is not always the same ("đặt ra thách thức" is not "đề ra"). Words that are also part of names of
# bodies ("Ban Chỉ đạo") or change a role ("đồng thời là") are left out.
SYNONYMS = (
    ("tăng cường", "đẩy mạnh"), ("đẩy mạnh", "tăng cường"), ("chú trọng", "quan tâm"), ("nâng cao", "cải thiện"),
    ("thường xuyên", "liên tục"), ("kịp thời", "nhanh chóng"), ("đề ra", "đặt ra"), ("nghiêm túc", "nghiêm chỉnh"),
    ("bám sát", "theo sát"), ("nhấn mạnh", "khẳng định"), ("đạt được", "giành được"), ("triển khai", "tiến hành"),
    ("cán bộ, đảng viên", "đảng viên, cán bộ"), ("sâu rộng", "rộng khắp"), ("đông đảo", "rất nhiều"),
    ("khắc phục", "giải quyết"), ("góp phần", "giúp"),
)
_LEAD_INS = ("Theo đó", "Bên cạnh đó", "Dịp này", "Ngoài ra", "Đồng thời", "Qua đó", "Nhân dịp này", "Cũng tại hội nghị")


def _word(phrase: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE)


def synonym(sentence: str, passage: str, rng: random.Random) -> str | None:
    options = [(a, b) for a, b in SYNONYMS if _word(a).search(sentence)]
    if not options:
        return None
    out = sentence
    for a, b in rng.sample(options, min(2, len(options))):
        m = _word(a).search(out)
        if m is None:
            continue
        new = b[0].upper() + b[1:] if m.group(0)[0].isupper() else b
        out = out[:m.start()] + new + out[m.end():]
    return out if out != sentence else None


def summary(sentence: str, passage: str, rng: random.Random) -> str | None:
    if re.search(r"[\"“”«»]", sentence):
        return None  # a quotation is quoted whole or not at all
    out = sentence
    for lead in _LEAD_INS:
        if out.startswith(lead + ","):
            rest = out[len(lead) + 1:].lstrip()
            out = rest[0].upper() + rest[1:] if rest else out
            break
    parts = out.rstrip(".").split(", ")
    # a middle part of a list: no digit, no capitalised word (a name), two to eight words
    droppable = [i for i, p in enumerate(parts) if 0 < i < len(parts) - 1 and 2 <= len(p.split()) <= 8
                 and not re.search(r"\d", p) and not re.search(r"(?<!^)\b[A-ZĐÀ-Ỹ]", p)]
    if droppable:
        del parts[rng.choice(droppable)]
    new = ", ".join(parts) + ("." if sentence.rstrip().endswith(".") else "")
    return new if new != sentence and len(new.split()) >= 6 else None
