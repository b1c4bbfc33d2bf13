"""Issue 11k: a pure summary ("Bài báo “<title>” đưa tin gì?") spends its words on facts: bullets trimmed of
connectives and fact-less end clauses, still verbatim quotes the citation checker supports, under the budget."""

import pytest

from rag.answer.compress import CONNECTIVE
from rag.answer.synthesis import SynthesisSettings
from rag.config import Config
from rag.evaluate.metrics import strip_markers
from rag.pipeline import build_pipeline
from tests.answer.test_synthesis import _bullets, _check_bullets


@pytest.fixture(scope="module")
def pipeline(e5_index_path, e5_embedder):
    return build_pipeline(Config(index=e5_index_path), embedder=e5_embedder)


def _summaries(pipeline):
    for article in pipeline.generator.index.articles.values():
        yield pipeline.answer(f"Bài báo “{article.title}” đưa tin gì?")


def test_every_summary_bullet_is_a_supported_verbatim_quote_without_a_leading_connective(pipeline):
    answers = list(_summaries(pipeline))
    assert answers and all(a.answerable for a in answers)
    for answer in answers:
        _check_bullets(answer)  # quotes are in their chunk, the checker supports each one
        assert len(strip_markers(answer.text).split()) <= SynthesisSettings().words_per_article
        for citation in answer.citations:
            assert not CONNECTIVE.match(citation.quote), citation.quote


def test_trimming_gives_shorter_bullets_and_no_fewer_of_them(pipeline):
    """The same questions with trimming (and captions) off, in the same run: shorter quotes, as many bullets."""
    from dataclasses import replace

    generator = pipeline.generator
    default = generator.synthesis_settings
    trimmed = [a for a in _summaries(pipeline)]
    generator.synthesis_settings = replace(default or SynthesisSettings(), summary_compress=False, summary_captions=False)
    try:
        whole = [a for a in _summaries(pipeline)]
    finally:
        generator.synthesis_settings = default
    per_bullet = lambda answers: sum(len(c.quote.split()) for a in answers for c in a.citations) / max(
        1, sum(len(a.citations) for a in answers))
    assert per_bullet(trimmed) < per_bullet(whole)
    assert sum(len(_bullets(a.text)) for a in trimmed) >= sum(len(_bullets(a.text)) for a in whole)
