"""Restoring diacritics to Vietnamese typed without them ("my loc ky luat" -> "mỹ lộc kỷ luật").

e5 embeds unaccented Vietnamese poorly (a question typed without accents lands near unrelated
passages), while BM25 copes through folded tokens. Restoring accents before embedding lets the dense
side help too. The vocabulary comes from three general sources, none written for a question:
- the indexed articles themselves (the most frequent accented form of each folded syllable pair, then of
  each syllable);
- Vietnamese question and function words (a closed class of the grammar: interrogatives, quantifiers,
  auxiliaries, time units), common in questions and rare in news text;
- the Vietnamese side of the EN→VI glossary, the Party/government news vocabulary taken from a frequency list
  of VietNews (see rag/text/data/glossary_en_vi.tsv), so a small corpus still restores the genre's terms.
Topic words that none of these hold (sport, gold prices, weather) stay as typed: a question about a topic
the articles never mention is not one to help (issue 13 removed such words, added for test questions).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from rag.text.crosslingual import glossary
from rag.text.vietnamese import fold, nfc

# Question and function words of Vietnamese grammar: common in questions, rare in news text.
_QUESTION_VOCABULARY = """bao nhiêu|khi nào|ở đâu|là ai|là gì|thế nào|như thế nào|những gì|cái gì|tại sao|vì sao|
hôm nay|bao giờ|ngày nào|năm nào|tháng nào|người nào|những ai|được bao nhiêu|có bao nhiêu|
thì sao|còn|thì|sao|nào|mấy|gì|ai|đâu|bị|được|có|không|đã|của|và|các|những|năm|tháng|ngày|
người|số|tổng|bao|nhiêu""".replace("\n", "")


def _general_vocabulary() -> str:
    terms = {term for alternatives in glossary().values() for term in alternatives}
    return _QUESTION_VOCABULARY + "|" + "|".join(sorted(terms))


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
        for text in list(texts) + [_general_vocabulary()] * 3:
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
