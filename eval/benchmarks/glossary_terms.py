"""The EN→VI glossary's source: a frequency list of the content words of VietNews's Party/government articles.

Prints the terms (one to three syllables) found in the most articles, by document frequency, with the English the
glossary gives each (or "-", a term still to translate). The glossary (rag/text/data/glossary_en_vi.tsv) is
grown from this list, its translations written by hand; every Vietnamese term it holds must be found in at least
MIN_ARTICLES of these articles, which `--check` verifies (and tests/text/test_tables.py runs).

Usage: python -m eval.benchmarks.glossary_terms [--vietnews PATH] [--top 400] [--untranslated] [--check]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

from eval.benchmarks.vietnews_party import DEFAULT_PATH, party_articles
from rag.text.crosslingual import glossary
from rag.text.vietnamese import normalize

MIN_ARTICLES = 5  # of 710: a term at least this common is general vocabulary of the genre, not one story's

# Grammar words: a term that starts or ends with one is a fragment, not a content word.
FUNCTION_WORDS = frozenset(
    """và của các những là có được bị đã đang sẽ cho với về tại từ đến một này đó thì mà nên vào ra lên
    trong ngoài trên dưới khi nếu như để theo vì do bởi cũng còn rất đều chỉ lại vẫn nhiều ông bà anh chị
    người năm ngày tháng sau trước hơn nhất gì nào ai đây ấy không chưa nhưng hay hoặc thế lúc việc cần
    phải làm cùng qua tới nói cho biết đồng thời""".split()
)
_SYLLABLE = re.compile(r"[^\W\d_]+|\d+|%")


def article_syllables(article: dict) -> list[str]:
    return _SYLLABLE.findall(normalize(f"{article['title']} {article['text']}").lower())


def document_frequencies(articles: list[dict], longest: int = 3) -> Counter:
    counts: Counter = Counter()
    for article in articles:
        words = article_syllables(article)
        counts.update({" ".join(words[i:i + n]) for n in range(1, longest + 1) for i in range(len(words) - n + 1)})
    return counts


def phrase_frequency(term: str, texts: list[str]) -> int:
    """In how many articles (given as " syllable syllable ... ") the whole term occurs."""
    needle = f" {' '.join(_SYLLABLE.findall(normalize(term).lower()))} "
    return sum(needle in text for text in texts)


def is_content(term: str) -> bool:
    words = term.split()
    return not (words[0] in FUNCTION_WORDS or words[-1] in FUNCTION_WORDS or any(w.isdigit() for w in words))


def english_for() -> dict[str, list[str]]:
    """Vietnamese term -> the English glossary keys that map to it."""
    out: dict[str, list[str]] = {}
    for english, alternatives in glossary().items():
        for vietnamese in alternatives:
            out.setdefault(" ".join(_SYLLABLE.findall(normalize(vietnamese).lower())), []).append(english)
    return out


def unsupported_terms(articles: list[dict]) -> list[tuple[str, str, int]]:
    """(English, Vietnamese, articles) for every glossary term found in fewer than MIN_ARTICLES articles."""
    texts = [f" {' '.join(article_syllables(a))} " for a in articles]
    rare = []
    for english, alternatives in glossary().items():
        for vietnamese in alternatives:
            if _SYLLABLE.fullmatch(vietnamese) and vietnamese == "%":
                continue  # a symbol, not a word
            found = phrase_frequency(vietnamese, texts)
            if found < MIN_ARTICLES:
                rare.append((english, vietnamese, found))
    return rare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vietnews", default=DEFAULT_PATH)
    parser.add_argument("--top", type=int, default=400, help="how many content terms to list")
    parser.add_argument("--untranslated", action="store_true", help="list only terms the glossary lacks")
    parser.add_argument("--check", action="store_true", help="fail if a glossary term is rarer than MIN_ARTICLES")
    args = parser.parse_args()
    articles = party_articles(args.vietnews)
    if args.check:
        rare = unsupported_terms(articles)
        for english, vietnamese, found in rare:
            print(f"{english}\t{vietnamese}\tin {found} of {len(articles)} articles (need {MIN_ARTICLES})")
        print(f"{len(rare)} glossary terms below {MIN_ARTICLES} articles")
        raise SystemExit(1 if rare else 0)
    known = english_for()
    print(f"# {len(articles)} Party/government articles; rank, articles, term, glossary English")
    rank = 0
    for term, count in document_frequencies(articles).most_common():
        if not is_content(term) or (args.untranslated and term in known):
            continue
        rank += 1
        print(f"{rank}\t{count}\t{term}\t{'|'.join(known.get(term, ['-']))}")
        if rank >= args.top:
            break


if __name__ == "__main__":
    main()
