"""Levels of a count: a figure the passage gives for a whole ("toàn huyện", "các cấp", "tổng số") or for one
level ("cấp cơ sở") is not the figure of another level. Vietnamese Party and state bodies sit at four levels
(trung ương, tỉnh, huyện, xã/cơ sở; Điều lệ Đảng, Luật Tổ chức chính quyền địa phương), and news gives a
total over them with a small set of words; both lists below are those, not words of any test sentence.
"""

from __future__ import annotations

import re

from rag.cite.contrary import tone_form

# One level ("cấp huyện", "chi bộ", "đảng bộ cơ sở") and a whole over levels or units, in tone forms.
_LEVEL = re.compile(r"(?<!\w)(cấp (?:trung ương|tỉnh|thành phố|huyện|quận|xã|phường|cơ sở|ủy cơ sở)|chi bộ|đảng bộ cơ sở)(?!\w)")
_WHOLE = re.compile(r"(?<!\w)(toàn (?:huyện|tỉnh|thành phố|thị xã|đảng bộ|ngành|quốc|xã|quận)|các cấp(?! ủy| uỷ)|"
                    r"tổng số|tổng cộng|cả nước|cả huyện|cả tỉnh)(?!\w)")


def level_reasons(claim_text: str, local_texts: list[str]) -> list[str]:
    """A level the sentence names for its figures that the clauses it matches do not name, while they name
    a whole or another level: 'cấp cơ sở kỷ luật 40' where the passage says 'toàn huyện kỷ luật 40'."""
    claim = tone_form(claim_text)
    local = " | ".join(tone_form(t) for t in local_texts)
    if not local:
        return []
    reasons = []
    for level in dict.fromkeys(m.group(1) for m in _LEVEL.finditer(claim)):
        if re.search(rf"(?<!\w){re.escape(level)}(?!\w)", local):
            continue
        whole = _WHOLE.search(local)
        other = _LEVEL.search(local)
        if whole or other:
            reasons.append(f"the passage gives this for '{(whole or other).group(1)}', not for '{level}'")
    return reasons
