"""rag.retrieve.langchain_adapters: our planner + hybrid retriever as a LangChain retriever, our embedder as
LangChain Embeddings (over the hashing-embedder index of the UI fixtures)."""

from __future__ import annotations

import numpy as np

from rag.retrieve.langchain_adapters import EmbedderAsLangChain, HybridLangChainRetriever
from ui_fakes import HashEmbedder, build_fake_index, fake_pipeline


def test_the_retriever_plans_the_question_and_keeps_its_constraints(tmp_path):
    pipeline = fake_pipeline(build_fake_index(tmp_path / "idx"))
    retriever = HybridLangChainRetriever(pipeline=pipeline, k=3)
    documents = retriever.invoke("Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?")
    assert documents and len(documents) <= 3
    assert all(d.metadata["matches_constraints"] for d in documents)
    assert {d.metadata["article_id"] for d in documents} == {"tm_2021_tong_ket"}  # the place filter holds
    assert documents[0].page_content and "Tháp Mười" in documents[0].metadata["place"]


def test_the_embedder_gives_langchain_plain_float_lists():
    embedder = HashEmbedder()
    adapter = EmbedderAsLangChain(embedder)
    query = adapter.embed_query("kết nạp đảng viên")
    passages = adapter.embed_documents(["kết nạp đảng viên", "nông thôn mới"])
    assert len(query) == embedder.dim and all(isinstance(x, float) for x in query)
    assert np.allclose(query, embedder.embed_query("kết nạp đảng viên"))
    assert np.allclose(passages, embedder.embed_passages(["kết nạp đảng viên", "nông thôn mới"]))
    assert len(passages) == 2 and len(passages[1]) == embedder.dim
