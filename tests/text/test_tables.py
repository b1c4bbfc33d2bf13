"""The word tables hold general vocabulary from a documented source, never a question's words (issue 13)."""

from __future__ import annotations

from ci_needs import SHARED_DATA, need_file
from rag.text import accents
from rag.text.crosslingual import glossary

VIETNEWS = SHARED_DATA / "vietnews" / "vietnews-5000.jsonl.gz"


def test_every_glossary_term_is_common_in_vietnews_party_articles():
    from eval.benchmarks.glossary_terms import MIN_ARTICLES, unsupported_terms
    from eval.benchmarks.vietnews_party import party_articles

    articles = party_articles(need_file(VIETNEWS, "the shared VietNews sample"))
    assert len(articles) > 500
    rare = unsupported_terms(articles)
    assert not rare, f"glossary terms in fewer than {MIN_ARTICLES} Party/government articles: {rare}"


def test_words_added_for_particular_questions_are_gone():
    assert not {"vet", "vetted", "relatives"} & set(glossary())
    vocabulary = accents._QUESTION_VOCABULARY.split("|")
    for topic in ("bóng đá", "giá vàng", "giá", "vàng", "thời tiết"):
        assert topic not in vocabulary


def test_restorer_learns_the_genre_terms_from_the_glossary_not_from_a_list():
    restorer = accents.AccentRestorer.from_texts([])
    assert restorer.restore("bao nhieu dang vien khai tru") == "bao nhiêu đảng viên khai trừ"
    assert restorer.restore("gia vang hom nay") == "gia vang hôm nay"  # a topic no table holds stays as typed
