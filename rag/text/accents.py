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

import hashlib
import json
import re
import threading
from collections import Counter
from typing import IO, Callable, Iterable

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


Vocabulary = tuple[dict[str, str], dict[str, str]]  # (syllable pairs, syllables): folded -> accented form
FILE = "accents.json"  # an index's vocabulary, saved with it (see `save_vocabulary`)


def save_vocabulary(vocabulary: Vocabulary, handle: IO[bytes]) -> None:
    """Counting the vocabulary of 5,000 articles takes 4-6 s of CPU, paid by the first question typed
    without accents in every process (each `rag ask`); reading it back takes 0.2 s. The general vocabulary
    is this code's, so the file records its digest and is counted again when the code's differs."""
    pairs, singles = vocabulary
    handle.write(json.dumps({"general_sha256": _general_digest(), "pairs": pairs, "singles": singles},
                            ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def load_vocabulary(handle: IO[bytes]) -> Vocabulary | None:
    """The saved vocabulary; None when it was counted with another general vocabulary. ValueError when
    the file is not one."""
    data = json.loads(handle.read().decode("utf-8"))
    if not (isinstance(data, dict) and isinstance(data.get("pairs"), dict) and isinstance(data.get("singles"), dict)):
        raise ValueError("not an accent vocabulary (pairs, singles)")
    return (data["pairs"], data["singles"]) if data.get("general_sha256") == _general_digest() else None


def _general_digest() -> str:
    return hashlib.sha256(_general_vocabulary().encode("utf-8")).hexdigest()


def vocabulary_of(texts: Iterable[str]) -> Vocabulary:
    """The most frequent accented form of each folded syllable pair and of each syllable. Counted per
    accented form first and folded once per distinct form (folding every occurrence took 26 s at 5,000
    articles); ties go to the form seen first, as before."""
    pair_counts: Counter[str] = Counter()
    single_counts: Counter[str] = Counter()
    for text in [*texts, *[_general_vocabulary()] * 3]:
        for phrase in re.split(r"[|.,;:!?()\"“”\n]", nfc(text)):
            words = [w.lower() for w in _WORD.findall(phrase)]
            single_counts.update(words)
            pair_counts.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    return _most_frequent_form(pair_counts), _most_frequent_form(single_counts)


def _most_frequent_form(counts: Counter[str]) -> dict[str, str]:
    best: dict[str, tuple[int, str]] = {}
    for form, n in counts.items():  # insertion order: a later form wins only with a higher count
        key = fold(form)
        if key not in best or n > best[key][0]:
            best[key] = (n, form)
    return {key: form for key, (_, form) in best.items()}


class AccentRestorer:
    """Greedy left-to-right restoration preferring syllable pairs seen in the corpus over single syllables."""

    def __init__(self, pairs: dict[str, str] | None = None, singles: dict[str, str] | None = None,
                 vocabulary: Callable[[], Vocabulary] | None = None) -> None:
        self._pairs = pairs or {}
        self._singles = singles or {}
        self._vocabulary = vocabulary  # called when the first question typed without accents needs it
        self._lock = threading.Lock()

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "AccentRestorer":
        return cls(*vocabulary_of(texts))

    @classmethod
    def lazy(cls, vocabulary: Callable[[], Vocabulary]) -> "AccentRestorer":
        """A restorer that calls `vocabulary()` on its first unaccented question, not when it is made:
        counting the vocabulary of 5,000 articles takes seconds, even reading it 0.2 s, and most questions
        are typed with their accents (a `rag ask` cold start must not pay for it)."""
        return cls(vocabulary=vocabulary)

    def _ready(self) -> None:
        with self._lock:
            if self._vocabulary is not None:
                self._pairs, self._singles = self._vocabulary()
                self._vocabulary = None

    def restore(self, text: str) -> str:
        """Accented form of `text`; words already accented or unknown are kept as typed."""
        words = _WORD.findall(text)
        if not words or fold(text) != text.lower():
            return text  # already has diacritics somewhere: trust the user's spelling
        if self._vocabulary is not None:
            self._ready()
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
