"""Whether a clause is a directive: a task stated as an order, as the plans of Vietnamese news state them.

Vietnamese grammar marks the imperative/directive mood by leaving the subject out: the clause opens with its
verb ("Nâng cao năng lực lãnh đạo …", "Đổi mới, nâng cao chất lượng công tác tuyên giáo", "Chấp hành nguyên
tắc …"), possibly after a manner adverb or a negation ("Không chủ quan, …", "quyết liệt thu hồi …") or a
time adverbial set off by a comma ("Năm 2022, …", "Đồng thời, …"). A statement of results names what it is
about first ("Hệ thống chính trị được củng cố …", "Công tác kiểm tra … được tăng cường"). So the plan's
tasks, which often hold no figure, no name and no forward word of their own, are told apart by their shape.

The part of speech comes from pyvi's tagger (a project dependency, already loaded for word segmentation);
only the first words of a clause are tagged, and the answer is cached per text. This is a grammatical
class, not a word list: no verb is named here. The tagger errs on words that are both noun and verb:
"đẩy mạnh" reads as a noun (a task missed), "công tác" as a verb (a result taken for a task); the
plan's other signals (forward words, the section's tense, the years) stand beside it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# pyvi's tags: V verb, R adverb (incl. negation "không"), A adjective (manner: "quyết liệt"), F punctuation.
_LEADING = {"R", "A", "F"}
# A leading adverbial of time or linkage set off by a comma: "Năm 2022,", "Trong thời gian tới,", "Đồng thời,".
_ADVERBIAL = re.compile(r"^[^,;:]{1,30}?,\s+")
_OPENING_WORDS = 8


@lru_cache(maxsize=1)
def _tagger():
    from pyvi import ViPosTagger, ViTokenizer  # lazy, as rag.text.vietnamese loads pyvi

    return ViTokenizer, ViPosTagger


def _opens_with_verb(text: str) -> bool:
    words = text.split()[:_OPENING_WORDS]
    if not words:
        return False
    # pyvi reads a capitalised word as a name or noun ("Đẩy_mạnh" N); the sentence's first word is not a name.
    words[0] = words[0].lower()
    tokenizer, tagger = _tagger()
    for token, tag in zip(*tagger.postagging(tokenizer.tokenize(" ".join(words)))):
        if tag in _LEADING:
            continue
        return tag == "V"
    return False


@lru_cache(maxsize=4096)
def is_directive(text: str) -> bool:
    """True when the clause opens with its verb (no subject), after adverbs or one comma-set adverbial."""
    text = text.strip().lstrip("-–•*“\"( ")
    if _opens_with_verb(text):
        return True
    adverbial = _ADVERBIAL.match(text)
    return bool(adverbial) and len(adverbial.group(0).split()) <= 4 and _opens_with_verb(text[adverbial.end():])
