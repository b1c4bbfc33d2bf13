"""Document frequencies of folded syllables and syllable pairs over an index's answer units (for the
extractive answerer's IDF weights), saved with the index.

Counting them reads every unit: 7 s of a `rag ask` cold start at 5,000 articles (eval/BENCHMARKS.md §5).
So `save_index` writes them (`term_df.json`) and `load_index` reads them; an index saved before this file
existed (or a changed in-memory index) counts them on first use, as every load used to.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Iterable

from rag.text.vietnamese import folded_syllables

FILE = "term_df.json"


class TermStats:
    """Document frequencies of folded syllables and syllable pairs over the answer units, for IDF."""

    def __init__(self, n: int, df: dict[str, int]) -> None:
        self.n = n
        self.df = df

    @classmethod
    def count(cls, texts: Iterable[str]) -> "TermStats":
        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            words = folded_syllables(text)
            df.update(set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])})
            n += 1
        return cls(n, dict(df))

    def idf(self, phrase: str) -> float:
        words = phrase.split()
        keys = [f"{a} {b}" for a, b in zip(words, words[1:])] or words
        df = min(self.df.get(k, 0) for k in keys)
        return math.log((self.n + 1) / (df + 0.5))

    def save(self, path: Path) -> None:
        if isinstance(self.df, SavedCounts):
            path.write_text(self.df.text, encoding="utf-8")  # as read: the same bytes
            return
        path.write_text(json.dumps({"units": self.n, "df": self.df}, ensure_ascii=False, separators=(",", ":")),
                        encoding="utf-8")

    @classmethod
    def load(cls, path: Path, n_units: int) -> "TermStats":
        text = path.read_text(encoding="utf-8")
        head = re.match(r'\{"units":(\d+),"df":\{', text)
        if head and text.endswith("}}"):  # as `save` writes it: counts looked up when asked for
            if int(head.group(1)) != n_units:
                raise ValueError(f"counts {n_units} units, the file says {head.group(1)}")
            return cls(n_units, SavedCounts(text, head.end() - 1))
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("units") != n_units or not isinstance(data.get("df"), dict):
            raise ValueError(f"counts {n_units} units, the file says {data.get('units') if isinstance(data, dict) else '?'}")
        return cls(n_units, data["df"])


class SavedCounts:
    """The frequencies of term_df.json, each found in the file's text when first asked for. Parsing the
    whole file (200k terms) took 0.2 s of a 1 s cold start; a question asks for a few dozen terms. After
    `PARSE_AFTER` distinct terms (a long-running server, a batch) the whole table is parsed once."""

    PARSE_AFTER = 100

    def __init__(self, text: str, start: int) -> None:
        self.text, self._start = text, start  # text[start] is the "{" of the "df" object
        self._found: dict[str, int] = {}
        self._all: dict[str, int] | None = None

    def get(self, key: str, default: int = 0) -> int:
        if self._all is not None:
            return self._all.get(key, default)
        if key not in self._found:
            if len(self._found) >= self.PARSE_AFTER:
                self._all = json.loads(self.text)["df"]
                return self._all.get(key, default)
            self._found[key] = self._find(key)
        found = self._found[key]
        return default if found is None else found

    def _find(self, key: str) -> int | None:
        needle = json.dumps(key, ensure_ascii=False) + ":"
        at = self.text.find(needle, self._start)
        while at != -1 and self.text[at - 1] not in ",{":  # inside another key (an escaped quote before it)
            at = self.text.find(needle, at + 1)
        if at == -1:
            return None
        value = re.match(r"\d+", self.text[at + len(needle):at + len(needle) + 24])
        if value is None:
            raise ValueError(f"term_df.json: no count after {needle}")
        return int(value.group())
