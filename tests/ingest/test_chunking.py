"""rag.ingest.chunking and rag.ingest.tokens: token-bounded sentence chunks with overlap; tiktoken's cl100k offline."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap


from rag.ingest.chunking import ChunkSettings, answer_units, chunk_article, embedding_text
from rag.schema import Article, Place
from rag.ingest.tokens import count_tokens
from rag.text.vietnamese import split_sentences

SHORT = "Huyện ủy tổ chức hội nghị."  # 17 cl100k tokens
MEDIUM = "Hội nghị đánh giá kết quả thực hiện nhiệm vụ chính trị của địa phương trong năm qua."  # 41 tokens


def _article(text: str, **kw) -> Article:
    return Article(id=kw.pop("id", "a1"), title=kw.pop("title", "Tiêu đề"), text=text, **kw)


def _numbered_sentences(n: int) -> list[str]:
    """n distinct sentences of 34 tokens each."""
    return [f"Câu số {i} nói về công tác xây dựng Đảng ở huyện Tháp Mười." for i in range(1, n + 1)]


def test_token_counts_are_cl100k():
    assert count_tokens("hello world") == 2
    assert count_tokens(SHORT) == 17
    assert count_tokens(MEDIUM) == 41
    assert count_tokens("<|endoftext|>") > 1  # special tokens are plain text here, never an error


def test_chunks_stay_within_the_token_budget_and_cover_every_sentence():
    sentences = _numbered_sentences(30)
    article = _article(" ".join(sentences[:15]) + "\n\n" + " ".join(sentences[15:]))
    settings = ChunkSettings(max_tokens=80, overlap_tokens=30)
    chunks = chunk_article(article, settings)
    assert len(chunks) > 5
    for chunk in chunks:
        assert chunk.n_tokens == sum(count_tokens(s) for s in chunk.sentences)
        assert chunk.n_tokens <= settings.max_tokens
        assert count_tokens(chunk.text) <= settings.max_tokens
        assert chunk.text == " ".join(chunk.sentences)
    # No sentence is cut: every chunk sentence is a whole article sentence, and all appear in order.
    seen: list[str] = []
    for chunk in chunks:
        for sentence in chunk.sentences:
            assert sentence in sentences
            if sentence not in seen:
                seen.append(sentence)
    assert seen == sentences


def test_neighbouring_chunks_overlap_by_whole_trailing_sentences():
    article = _article(" ".join(_numbered_sentences(20)))
    settings = ChunkSettings(max_tokens=110, overlap_tokens=40)  # 3 sentences a chunk, 1 repeated
    chunks = chunk_article(article, settings)
    assert len(chunks) == 10
    for before, after in zip(chunks, chunks[1:]):
        shared = [s for s in after.sentences if s in before.sentences]
        assert shared, f"{after.id} repeats nothing of {before.id}"
        assert list(before.sentences[-len(shared):]) == shared  # the tail of the previous chunk
        assert list(after.sentences[: len(shared)]) == shared  # at the head of the next one
        assert sum(count_tokens(s) for s in shared) <= settings.overlap_tokens


def test_zero_overlap_repeats_nothing():
    chunks = chunk_article(_article(" ".join(_numbered_sentences(12))), ChunkSettings(max_tokens=80, overlap_tokens=0))
    all_sentences = [s for c in chunks for s in c.sentences]
    assert len(all_sentences) == len(set(all_sentences)) == 12


def test_a_sentence_longer_than_a_chunk_is_cut_at_semicolons_then_commas():
    clauses = [f"kết nạp {i} đảng viên mới ở xã số {i} của huyện" for i in range(1, 13)]
    long_sentence = "Năm 2021 " + "; ".join(clauses) + "."
    assert count_tokens(long_sentence) > 60
    chunks = chunk_article(_article(long_sentence), ChunkSettings(max_tokens=60, overlap_tokens=0))
    pieces = [s for c in chunks for s in c.sentences]
    assert len(pieces) == 12  # one per clause
    for piece in pieces:
        assert count_tokens(piece) <= 60
        assert piece in long_sentence  # verbatim spans, so quotes stay checkable
    assert all(c.n_tokens <= 60 for c in chunks)


def test_a_long_sentence_without_punctuation_is_cut_at_words():
    words = " ".join(f"từ{i}" for i in range(200))
    chunks = chunk_article(_article(words), ChunkSettings(max_tokens=50, overlap_tokens=0))
    pieces = [s for c in chunks for s in c.sentences]
    assert len(pieces) > 1
    assert all(count_tokens(p) <= 50 for p in pieces)
    assert " ".join(pieces).split() == words.split()  # nothing lost, nothing reordered


def test_overlap_never_pushes_a_chunk_over_the_budget():
    article = _article(" ".join([SHORT, SHORT, MEDIUM]))
    settings = ChunkSettings(max_tokens=50, overlap_tokens=20)
    chunks = chunk_article(article, settings)
    assert all(c.n_tokens <= settings.max_tokens for c in chunks), [c.n_tokens for c in chunks]


def test_chunks_carry_ids_and_article_metadata():
    article = _article(" ".join(_numbered_sentences(10)), id="myloc_2021", title="Tổng kết năm 2021",
                       date="2021-12-30", place=Place("Mỹ Lộc", "Nam Định"), years=(2021,))
    chunks = chunk_article(article, ChunkSettings(max_tokens=80, overlap_tokens=20))
    assert [c.id for c in chunks] == [f"myloc_2021#{i}" for i in range(len(chunks))]
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert (chunk.article_id, chunk.title, chunk.date, chunk.years) == ("myloc_2021", "Tổng kết năm 2021",
                                                                            "2021-12-30", (2021,))
        assert chunk.place == Place("Mỹ Lộc", "Nam Định")
    assert embedding_text(chunks[0]) == "Tổng kết năm 2021 · 2021-12-30 · Mỹ Lộc, Nam Định\n" + chunks[0].text


def test_header_without_date_or_place():
    (chunk,) = chunk_article(_article(SHORT, title="Không ngày"))
    assert embedding_text(chunk) == f"Không ngày\n{SHORT}"


def test_paragraph_breaks_are_sentence_breaks():
    (chunk,) = chunk_article(_article("Đoạn một không có dấu chấm\n\nĐoạn hai. Câu ba."))
    assert chunk.sentences == ("Đoạn một không có dấu chấm", "Đoạn hai.", "Câu ba.")


def test_answer_units_split_semicolon_lists():
    (chunk,) = chunk_article(_article("Năm 2021 kết nạp 47 đảng viên; kỷ luật 9 đảng viên. Huyện có 3 xã."))
    assert answer_units(chunk) == ["Năm 2021 kết nạp 47 đảng viên", "kỷ luật 9 đảng viên.", "Huyện có 3 xã."]


def test_default_settings_on_fixture_articles(fixture_articles):
    settings = ChunkSettings()
    assert settings.as_dict() == {"max_tokens": 320, "overlap_tokens": 60, "tokenizer": "cl100k_base"}
    for article in fixture_articles.values():
        chunks = chunk_article(article, settings)
        assert chunks, article.id
        assert all(0 < c.n_tokens <= 320 for c in chunks)
        expected = [s for p in article.text.split("\n\n") for s in split_sentences(p)]
        assert set(expected) <= {s for c in chunks for s in c.sentences}


def test_tiktoken_works_offline(tmp_path):
    """In a fresh process with an empty tiktoken cache and every proxy pointing at a closed port (any
    download would fail), the packaged encoding still loads, and after priming the cache so does
    tiktoken's own 'cl100k_base' (what LangChain asks for), with identical tokens."""
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from rag.ingest.tokens import count_tokens, get_encoding, prime_tiktoken_cache
        text = "Huyện ủy Tháp Mười kết nạp 212 đảng viên mới."
        n = count_tokens(text)
        prime_tiktoken_cache(Path(sys.argv[1]))
        import tiktoken
        assert tiktoken.get_encoding("cl100k_base").encode(text) == get_encoding().encode(text)
        print(n)
        """
    )
    cache = tmp_path / "tiktoken-cache"
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("tiktoken_cache_dir", "data_gym_cache_dir")}
    dead = "http://127.0.0.1:9"
    env.update(TIKTOKEN_CACHE_DIR=str(cache), HTTP_PROXY=dead, HTTPS_PROXY=dead, http_proxy=dead,
               https_proxy=dead, ALL_PROXY=dead, NO_PROXY="")
    result = subprocess.run([sys.executable, "-c", script, str(cache)], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) == count_tokens("Huyện ủy Tháp Mười kết nạp 212 đảng viên mới.")
    primed = cache / hashlib.sha1(b"https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken").hexdigest()
    assert primed.is_file()  # where tiktoken looks for cl100k_base
