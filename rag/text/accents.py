"""Restoring diacritics to Vietnamese typed without them ("my loc ky luat" -> "mỹ lộc kỷ luật").

e5 embeds unaccented Vietnamese poorly (a question typed without accents lands near unrelated
passages), while BM25 copes through folded tokens. Restoring accents before embedding lets the dense
side help too. The vocabulary comes from the indexed articles themselves (the most frequent accented
form of each folded syllable pair, then of each syllable) plus the question words articles never use.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from rag.text.vietnamese import fold, nfc

# Question and function words: common in questions, rare in news text.
_QUESTION_VOCABULARY = """bao nhiêu|khi nào|ở đâu|là ai|là gì|thế nào|như thế nào|những gì|cái gì|tại sao|vì sao|
hôm nay|bao giờ|ngày nào|năm nào|tháng nào|người nào|đồng chí nào|những ai|được bao nhiêu|có bao nhiêu|
thì sao|còn|thì|sao|nào|mấy|gì|ai|đâu|bị|được|có|không|đã|của|và|các|những|năm|tháng|ngày|huyện|tỉnh|xã|
người|số|tổng|bao|nhiêu|giá|vàng|thời tiết|bóng đá|kết nạp|kỷ luật|đảng viên|khai trừ|cảnh cáo|khiển trách|
cách chức|huy hiệu|hội nghị|bí thư|tổng kết|đầu năm|cuối năm|sáu tháng|6 tháng""".replace("\n", "")

_WORD = re.compile(r"\w+", re.UNICODE)


class AccentRestorer:
    """Greedy left-to-right restoration preferring syllable pairs seen in the corpus over single syllables."""

    def __init__(self, pairs: dict[str, str], singles: dict[str, str]) -> None:
        self._pairs = pairs
        self._singles = singles

    @classmethod
    def from_texts(cls, texts: list[str]) -> "AccentRestorer":
        pair_counts: dict[str, Counter] = defaultdict(Counter)
        single_counts: dict[str, Counter] = defaultdict(Counter)
        for text in list(texts) + [_QUESTION_VOCABULARY] * 3:
            for phrase in re.split(r"[|.,;:!?()\"“”\n]", nfc(text)):
                words = [w.lower() for w in _WORD.findall(phrase)]
                for i, word in enumerate(words):
                    single_counts[fold(word)][word] += 1
                    if i + 1 < len(words):
                        pair = f"{word} {words[i + 1]}"
                        pair_counts[fold(pair)][pair] += 1
        pairs = {k: c.most_common(1)[0][0] for k, c in pair_counts.items()}
        singles = {k: c.most_common(1)[0][0] for k, c in single_counts.items()}
        return cls(pairs, singles)

    def restore(self, text: str) -> str:
        """Accented form of `text`; words already accented or unknown are kept as typed."""
        words = _WORD.findall(text)
        if not words or fold(text) != text.lower():
            return text  # already has diacritics somewhere: trust the user's spelling
        out: list[str] = []
        i = 0
        while i < len(words):
            if i + 1 < len(words):
                pair = self._pairs.get(f"{words[i].lower()} {words[i + 1].lower()}")
                if pair:
                    out.extend(pair.split())
                    i += 2
                    continue
            out.append(self._singles.get(words[i].lower(), words[i]))
            i += 1
        # Keep the user's punctuation out of the restored text: the question is short and plain.
        return " ".join(out)
