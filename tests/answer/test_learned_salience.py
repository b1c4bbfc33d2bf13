"""The learned salience scorer: its features, the committed model, the trainer's labels and its data exclusions."""

import json
from pathlib import Path

import numpy as np
import pytest

from eval.benchmarks.salience_corpus import excluded_ids, in_digest_pool
from eval.benchmarks.salience_train import labels, ridge
from rag.answer.learned_salience import FEATURES, MODEL_PATH, article_features, load_model, piece_features
from rag.text.vietnamese import folded_syllables

TITLE = "Huyện ủy Tháp Mười tổng kết công tác xây dựng Đảng năm 2021"
OPENING = "Sáng ngày 12/01/2021, Huyện ủy Tháp Mười tổ chức Hội nghị tổng kết công tác xây dựng Đảng năm 2021"
RESULT = "Trong năm, toàn Đảng bộ đã kết nạp 51 đảng viên mới, thi hành kỷ luật 7 đảng viên vi phạm"


def _feature(vector: list[float], name: str) -> float:
    return vector[FEATURES.index(name)]


def test_piece_features_read_figures_decisions_and_the_title():
    title = set(folded_syllables(TITLE))
    result = piece_features(RESULT, 3, 10, title, 0.5, clause=False)
    opening = piece_features(OPENING, 0, 10, title, 0.9, clause=False)
    assert len(result) == len(FEATURES) and all(0.0 <= v <= 1.0 for v in result + opening)
    assert _feature(result, "count") == 1.0 and _feature(result, "decision") == 1.0
    assert _feature(result, "beyond_title") > 0 and _feature(result, "restates_title") == 0.0
    assert _feature(opening, "restates_title") == 1.0 and _feature(opening, "count") == 0.0
    assert _feature(opening, "first") == 1.0 and _feature(opening, "position") == 1.0
    assert _feature(result, "first") == 0.0 and _feature(result, "position") == pytest.approx(1 - 3 / 9)


def test_article_features_rank_sentences_and_mark_clauses():
    vectors = np.eye(4)[[0, 1, 2, 2]].astype(float)  # units 0..3; two pieces share unit 2
    x = article_features(["Câu một có sáu chữ ở đây", "Câu hai", "Câu ba, dài hơn", "dài hơn"], [0, 1, 2, 2],
                         vectors, TITLE)
    assert x.shape == (4, len(FEATURES))
    clause = FEATURES.index("clause")
    assert list(x[:, clause]) == [0.0, 0.0, 0.0, 1.0]
    assert list(x[:, FEATURES.index("position")]) == [1.0, 0.5, 0.0, 0.0]


def test_the_committed_model_fits_these_features_and_prefers_facts_to_a_generic_sentence():
    """Fitted on abstracts, the model prefers a piece with figures and names beyond the title to one with none.
    (It does not by itself rank the dateline opening below the results: abstracts often restate the title, so
    the synthesiser adds its own title penalty; tests/answer/test_synthesis.py checks the two together.)"""
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert data["trained_on"]["articles"] >= 100
    model = load_model()
    assert np.all(np.isfinite(model.weights))
    title = set(folded_syllables(TITLE))
    generic = "Buổi lễ diễn ra trong không khí trang trọng, ấm cúng và thành công tốt đẹp"
    result = np.array([piece_features(RESULT, 2, 10, title, 0.5, clause=False)])
    plain = np.array([piece_features(generic, 2, 10, title, 0.5, clause=False)])
    assert model.score(result)[0] > model.score(plain)[0]


def test_a_missing_or_stale_model_names_the_command_that_fits_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="salience_train"):
        load_model(tmp_path / "none.json")
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({"features": ["bias"], "weights": {"bias": 1.0}}), encoding="utf-8")
    with pytest.raises(ValueError, match="salience_train"):
        load_model(stale)


def test_labels_count_the_abstracts_facts_and_pairs_beyond_the_title():
    abstract = "Huyện ủy Tháp Mười kết nạp 51 đảng viên mới trong năm 2021"
    y = labels([OPENING, RESULT, "Buổi lễ diễn ra trang trọng"], abstract, TITLE, ["51"])
    assert y.max() == 1.0 and y[1] == 1.0  # the result holds the fact and the pairs "kết nạp", "đảng viên", ...
    assert y[2] == 0.0 and y[0] < y[1]


def test_ridge_recovers_a_linear_rule():
    rng = np.random.default_rng(0)
    x = np.hstack([np.ones((200, 1)), rng.random((200, 2))])
    w = ridge(x, x @ np.array([0.5, 2.0, -1.0]), alpha=1e-6)
    assert np.allclose(w, [0.5, 2.0, -1.0], atol=1e-3)


def test_training_excludes_every_evaluation_article():
    ids = excluded_ids()
    lines = Path("eval/synthesis.jsonl").read_text(encoding="utf-8").splitlines()
    synthesis_ids = {a for line in lines if line.strip()
                     for a in json.loads(line).get("gold_articles", []) if a.startswith("vietnews/")}
    assert synthesis_ids and synthesis_ids <= ids
    body = " ".join(["chữ"] * 300)
    assert in_digest_pool({"title": "Tỉnh ủy họp", "abstract": "", "body": body})
    assert not in_digest_pool({"title": "Tỉnh ủy họp", "abstract": "", "body": " ".join(["chữ"] * 800)})


def test_the_early_sentence_and_fact_density_features():
    """Issue 11g: the second and third sentences (where a lede's figures continue), every number as written (dates
    and years too, as a summary's reader checks them) and figures plus new names per word."""
    title = set(folded_syllables(TITLE))
    second = piece_features(RESULT, 1, 10, title, 0.5, clause=False)
    third = piece_features("Buổi lễ diễn ra trong không khí trang trọng, ấm cúng", 2, 10, title, 0.5, clause=False)
    assert _feature(second, "second") == 1.0 and _feature(second, "third") == 0.0
    assert _feature(third, "third") == 1.0 and _feature(third, "numbers") == 0.0 and _feature(third, "density") == 0.0
    assert _feature(second, "numbers") == pytest.approx(2 / 3)  # 51 and 7
    dated = piece_features("Ngày 18-6, trường tổ chức lễ tốt nghiệp năm 2018", 4, 10, title, 0.5, clause=False)
    assert _feature(dated, "numbers") == pytest.approx(2 / 3)  # "18" (of the date 18-6, as the digest counts it) and 2018
    assert _feature(dated, "density") > 0


def test_the_pool_positions_kept_fresh_are_never_training_data():
    from eval.benchmarks.salience_corpus import SPENT_POOL_POSITIONS, pool_rows
    from eval.benchmarks.salience_train import parse_range

    assert SPENT_POOL_POSITIONS == 210
    with pytest.raises(SystemExit, match="210"):
        pool_rows(Path("missing.jsonl.gz"), 211)
    assert pool_rows(Path("missing.jsonl.gz"), 0) == []
    assert parse_range("150:210") == (150, 210) and parse_range("") == (0, 0)


def test_the_pool_articles_weigh_as_much_in_all_as_the_others():
    from eval.benchmarks.salience_train import stacked

    row = np.ones((1, 2))
    articles = [("a", np.vstack([row] * 6), np.zeros(6), False), ("b", np.vstack([row] * 2), np.ones(2), True)]
    x, y, weights = stacked(articles)
    assert x.shape == (8, 2) and list(y) == [0.0] * 6 + [1.0] * 2
    assert weights[:6].sum() == pytest.approx(weights[6:].sum()) and list(weights[:6]) == [1.0] * 6
    assert list(stacked(articles[:1])[2]) == [1.0] * 6  # no pool articles: all weigh 1
