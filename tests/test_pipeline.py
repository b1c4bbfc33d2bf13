"""rag.pipeline's seams, over the hashing-embedder index of the UI fixtures: the question is embedded only
when retrieval or the generator needs it, views share the pipeline without changing it, a new index
brings its own planner, and an unknown generator spec is a clear error."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rag.config import Config
from rag.errors import ConfigError
from rag.index.update import add_articles
from rag.pipeline import make_generator
from rag.retrieve.hybrid import HybridRetriever, RetrievalSettings
from ui_fakes import UI_UPLOAD, HashEmbedder, ScriptedGenerator, build_fake_index, fake_pipeline

QUESTION = "Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?"


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.queries = 0

    def embed_query(self, text: str):
        self.queries += 1
        return super().embed_query(text)


@pytest.fixture
def pipeline(tmp_path):
    return fake_pipeline(build_fake_index(tmp_path / "idx"), ScriptedGenerator(), embedder=CountingEmbedder())


@pytest.mark.parametrize("needs_vector, embedded", [(False, 0), (True, 1)])
def test_bm25_embeds_the_question_only_for_a_generator_that_needs_it(pipeline, needs_vector, embedded):
    generator = ScriptedGenerator()
    generator.needs_query_vector = needs_vector
    bm25 = replace(pipeline, generator=generator,
                   retriever=HybridRetriever(pipeline.index, pipeline.embedder, RetrievalSettings(mode="bm25")))
    assert bm25.answer(QUESTION).answerable
    assert pipeline.embedder.queries == embedded


def test_a_view_changes_one_request_and_leaves_the_pipeline_alone(pipeline):
    other = ScriptedGenerator()
    view = pipeline.view(top_k=3, generator=other, refine_plan=lambda plan: replace(plan, years=(1999,)))
    assert view.plan(QUESTION).years == (1999,) and pipeline.plan(QUESTION).years == (2021,)
    assert view.config.top_k == 3 and pipeline.config.top_k == Config().top_k
    assert view.generator is other and pipeline.generator is not other
    assert view.index is pipeline.index and view.checker is pipeline.checker


def test_with_index_plans_against_the_new_articles(pipeline, tmp_path):
    question = "Vụ Đông Xuân thị xã Hồng Ngự thu hoạch bao nhiêu ha lúa?"
    assert pipeline.plan(question).places == ()  # Hồng Ngự is not in the first index
    report = add_articles(pipeline.index.path, [UI_UPLOAD / "hn_2022_lua_dong_xuan.txt"], pipeline.embedder)
    updated = pipeline.with_index(report.index, lambda spec, config, index: ScriptedGenerator())
    assert updated.plan(question).places == ("hong ngu",)
    assert updated.answer(question).citations[0].article_id == "hn_2022_lua_dong_xuan"
    assert pipeline.with_index(report.index).generator.name == "extractive"  # the configured one, by default


def test_an_unknown_generator_names_the_valid_ones(pipeline):
    with pytest.raises(ConfigError, match="unknown generator 'gpt4'.*extractive.*openai:<model>"):
        make_generator("gpt4", pipeline.config, pipeline.index)
