"""Which words of our questions the code's word tables hold, table by table (issue 13's audit).

For every question in eval/*.jsonl, its words (folded, so accented and unaccented forms meet) are looked up in
each table the code matches questions against. A table word a question uses is fine when the table holds it
as general vocabulary (grammar words, calendar words, the genre's terms from the VietNews frequency list);
it is a defect when it is there for that question. The printout is what eval/README.md §"Where the tables come
from" explains. Prints, per table: its size, and each question word found in it with the questions using it.

Usage: python -m eval.benchmarks.table_audit [QUESTIONS.jsonl ...]
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

from rag.ingest.jsonl import read_jsonl
from rag.text import accents, vietnamese
from rag.text.crosslingual import glossary
from rag.text.vietnamese import fold

ROOT = Path(__file__).resolve().parents[2]


def tables() -> dict[str, set[str]]:
    """Table name -> its entries, folded (phrases kept whole)."""
    vocabulary = accents._QUESTION_VOCABULARY.split("|")
    return {
        "glossary (English side)": {fold(k) for k in glossary()},
        "glossary (Vietnamese side)": {fold(v) for alts in glossary().values() for v in alts},
        "accent restorer: question and function words": {fold(w) for w in vocabulary},
        "language detection: English markers": set(vietnamese._EN_MARKERS),
        "language detection: Vietnamese hint syllables": set(vietnamese._VI_HINT_SYLLABLES),
    }


def question_words(question: str) -> set[str]:
    words = re.findall(r"[\w'-]+", fold(question))
    return {" ".join(words[i:i + n]) for n in (1, 2, 3, 4) for i in range(len(words) - n + 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*", type=Path)
    args = parser.parse_args()
    files = args.questions or sorted((ROOT / "eval").glob("seeds*.jsonl"))
    users: dict[str, list[str]] = defaultdict(list)
    for path in files:
        for row in read_jsonl(path, "question set"):
            for word in question_words(row["question"]):
                users[word].append(f"{path.stem}:{row['id']}")
    for name, entries in tables().items():
        found = sorted((w for w in entries if w in users), key=lambda w: (-len(users[w]), w))
        print(f"## {name}: {len(entries)} entries, {len(found)} used by questions")
        for word in found:
            print(f"  {word}: {len(users[word])} questions ({', '.join(users[word][:4])}{', ...' if len(users[word]) > 4 else ''})")


if __name__ == "__main__":
    main()
