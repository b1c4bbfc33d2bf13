"""Document frequencies of folded syllables and syllable pairs over an index's answer units (for the
extractive answerer's IDF weights), saved with the index.

Counting them reads every unit: 7 s of a `rag ask` cold start at 5,000 articles (eval/BENCHMARKS.md §5).
So `save_index` writes them (`term_df.json`) and `load_index` reads them; an index saved before this file
existed (or a changed in-memory index) counts them on first use, as every load used to.
"""

from __future__ import annotations

import json
import math
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
        path.write_text(json.dumps({"units": self.n, "df": self.df}, ensure_ascii=False, separators=(",", ":")),
                        encoding="utf-8")

    @classmethod
    def load(cls, path: Path, n_units: int) -> "TermStats":
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("units") != n_units or not isinstance(data.get("df"), dict):
            raise ValueError(f"counts {n_units} units, the file says {data.get('units') if isinstance(data, dict) else '?'}")
        return cls(n_units, data["df"])
