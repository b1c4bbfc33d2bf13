"""Evaluation: metric definitions on hand-made rows, question sets and converters, --compare on a planted
regression, and `rag eval` agreeing with scoring `rag ask --batch` output."""

from __future__ import annotations

import json
import math
import zlib
from pathlib import Path

import numpy as np
import pytest

import rag.cli.main as cli
import rag.embed.registry as embedding
from rag.ingest.jsonl import read_jsonl
from rag.errors import InputError
from rag.evaluate.sets import align_outputs, feedback_rows, question_from_json, squad_to_rows, xquad_rows
from rag.evaluate.summary import compare
from rag.evaluate.metrics import (Question, aggregate, bootstrap_ci, evaluate, exact_match, fact_met, hit_at_k, latency,
                            mrr_at_k, ndcg_at_k, question_scores, ranked_articles, recall_at_k, token_f1)

REPO = Path(__file__).resolve().parents[2]


def out(qid="q", answer="", answerable=True, retrieved=(), citations=(), timings=None) -> dict:
    """A `rag ask --json` row with only what the metrics read."""
    return {"id": qid, "question": "?", "answer": answer, "answerable": answerable,
            "citations": [{"marker": m, "article_id": a, "chunk_id": f"{a}#0", "supported": s} for m, a, s in citations],
            "retrieved": [{"article_id": a, "chunk_id": f"{a}#{i}", "score": 1.0 - i / 100} for i, a in enumerate(retrieved)],
            "timings_ms": timings or {"retrieve": 10.0, "total": 20.0}}


def q(qid="q", answerable=True, gold=("a",), facts=(), refs=(), lang="vi") -> Question:
    return Question(id=qid, question="?", answerable=answerable, gold_articles=tuple(gold),
                    answer_facts=tuple(tuple(f) if isinstance(f, (list, tuple)) else (f,) for f in facts),
                    lang=lang, reference_answers=tuple(refs))


# ---------------------------------------------------------------- retrieval


def test_ranked_articles_deduplicate_chunks_in_rank_order():
    assert ranked_articles(out(retrieved=["b", "b", "a", "c", "a"])) == ["b", "a", "c"]


def test_retrieval_metrics_known_values():
    ranked = ["x", "a", "y", "b"]
    gold = {"a", "b", "z"}
    assert [hit_at_k(ranked, gold, k) for k in (1, 3)] == [0.0, 1.0]
    assert recall_at_k(ranked, gold, 5) == pytest.approx(2 / 3)
    assert mrr_at_k(ranked, gold) == 0.5
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(ranked, gold) == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)
    assert mrr_at_k(["x"] * 10 + ["a"], {"a"}) == 0.0  # rank 11 is past the cut


def test_hit_at_k_counts_articles_not_chunks():
    # Eleven chunks of one wrong article come first; the gold article is the second *article*.
    scores = question_scores(q(gold=["a"]), out(retrieved=["x"] * 11 + ["a"]))
    assert scores["hit@1"] == (0.0, 1.0) and scores["hit@3"] == (1.0, 1.0)


# ---------------------------------------------------------------- answers


def test_fact_met_whole_word_case_and_diacritics_insensitive():
    assert fact_met(("Tháp Mười",), "huyện THAP MUOI đã")
    assert fact_met(("hoà bình",), "Hòa Bình")  # the two tone-mark conventions compare equal
    assert fact_met(("95,6%",), "đạt 95,6% hộ")
    assert not fact_met(("5",), "năm 2015 có 15 người")
    assert not fact_met(("Minh",), "Nguyễn Văn Minhh")
    assert fact_met(("12/01/2021", "12/1/2021"), "ngày 12/1/2021.")
    assert not fact_met(("1",), "Có 36 người [1].")  # a citation marker is not an answer


def test_exact_match_and_f1_normalise_vietnamese():
    assert exact_match("Hoà Bình.", ("hòa bình",)) == 1.0
    assert exact_match("The Denver Broncos [1]", ("Denver Broncos",)) == 1.0
    assert token_f1("đội Denver Broncos", ("Denver Broncos", "x")) == pytest.approx(0.8)
    assert token_f1("ma", ("mà",)) == 0.0  # diacritics tell words apart


def test_facts_and_declines_use_the_right_denominators():
    rows = [
        (q("a1", facts=["51", ["Mỹ Lộc", "My Loc"]]), out("a1", "Mỹ Lộc kết nạp 51 [1].", retrieved=["a"],
                                                        citations=[(1, "a", True)])),
        (q("a2", facts=["36"]), out("a2", "Không tìm thấy.", answerable=False, retrieved=["b"])),
        (q("u1", answerable=False, gold=()), out("u1", "Không tìm thấy.", answerable=False)),
        (q("u2", answerable=False, gold=()), out("u2", "Trả lời bừa [1].", citations=[(1, "c", False)])),
    ]
    m = aggregate([question_scores(qq, oo) for qq, oo in rows])
    assert m["hit@1"] == 0.5  # answerable only: a1 hits, a2 misses
    assert m["answer_facts"] == 0.5 and m["answer_facts_all"] == 0.5
    assert m["answerable_declined"] == 0.5 and m["unanswerable_declined"] == 0.5
    assert m["citation_precision_gold"] == 1.0  # answered answerable questions only (u2's citation is excluded)
    assert m["checker_citation_precision"] == 0.5  # every answered response: a1 supported, u2 not
    assert m["checker_citation_recall"] == 1.0
    assert m["markers_valid"] == 1.0
    assert m["exact_match"] is None  # no reference answers in this set


def test_citation_metrics():
    question = q(gold=["a"])
    both = out(answer="X [1]. Y [2]. Z [3].", citations=[(1, "a", True), (2, "b", False), (3, "a", None)])
    s = question_scores(question, both)
    assert s["markers_valid"] == (1.0, 1.0)
    assert s["citation_precision_gold"] == (2.0, 3.0)
    assert s["checker_citation_precision"] == (1.0, 2.0)  # unchecked (None) citations are left out
    assert s["checker_citation_recall"] == (0.0, 1.0)
    dangling = question_scores(question, out(answer="X [2].", citations=[(1, "a", True)]))
    assert dangling["markers_valid"] == (0.0, 1.0)
    uncited = question_scores(question, out(answer="X."))
    assert uncited["markers_valid"] == (0.0, 1.0) and uncited["checker_citation_recall"] == (0.0, 1.0)


def test_error_rows_count_as_declined_with_nothing_retrieved():
    s = question_scores(q(gold=["a"]), {"id": "q", "question": "", "error": "question is empty"})
    assert s["answerable_declined"] == (1.0, 1.0) and s["hit@10"] == (0.0, 1.0)


def test_bootstrap_interval_and_latency():
    per_question = [question_scores(q(f"q{i}"), out(f"q{i}", retrieved=["a" if i % 4 else "b"])) for i in range(40)]
    ci = bootstrap_ci(per_question, resamples=500)
    assert ci["hit@1"][0] < 0.75 < ci["hit@1"][1]
    assert ci["unanswerable_declined"] is None
    lat = latency([out(timings={"total": float(t)}) for t in range(1, 101)])
    assert lat["total"]["p50"] == pytest.approx(50.5) and lat["total"]["p95"] == pytest.approx(95.05)


# ---------------------------------------------------------------- question sets and converters


def test_question_rows_are_validated():
    with pytest.raises(InputError, match="answerable"):
        question_from_json({"id": "x", "question": "?"}, "set.jsonl, question 1")
    with pytest.raises(InputError, match="labelled"):
        question_from_json({"id": "x", "question": "?", "answerable": None, "needs_label": True}, "w")
    parsed = question_from_json({"id": "x", "question": "?", "answerable": True, "gold_articles": ["a"],
                                 "answer_facts": ["51", ["7", "07"]], "extra": 1}, "w")
    assert parsed.answer_facts == (("51",), ("7", "07"))
    with pytest.raises(InputError, match="no output for 1"):
        align_outputs([parsed], [{"id": "y"}])
    with pytest.raises(InputError, match="other questions"):
        align_outputs([parsed], [{"id": "x", "question": "another question"}])


def test_squad_and_xquad_conversion():
    def squad(question, answer, context, impossible=False):
        return {"data": [{"title": "Super_Bowl_50", "paragraphs": [{"context": context, "qas": [
            {"id": "1", "question": question, "answers": [] if impossible else [{"text": answer, "answer_start": 0}],
             "is_impossible": impossible}]}]}]}

    articles, questions = squad_to_rows(squad("Ai thắng?", "Denver", "Denver thắng."), prefix="t", lang="vi")
    assert articles == [{"id": "t_super_bowl_50_00", "text": "Denver thắng."}]
    assert questions[0]["gold_articles"] == ["t_super_bowl_50_00"] and questions[0]["answer_facts"] == [["Denver"]]
    _, impossible = squad_to_rows(squad("Ai thua?", "", "Denver thắng.", impossible=True))
    assert impossible[0]["answerable"] is False and impossible[0]["gold_articles"] == []
    arts, vi, en = xquad_rows(squad("Ai thắng?", "Denver", "Denver thắng."), squad("Who won?", "the Broncos", "Denver won."))
    assert "title" not in arts[0]  # English page titles would leak into a Vietnamese corpus
    assert en[0]["gold_articles"] == vi[0]["gold_articles"] and en[0]["answer_facts"] == [["Denver", "the Broncos"]]
    assert en[0]["id"] != vi[0]["id"]


def test_feedback_log_conversion():
    log = [  # lines as ui/feedback.py writes them
        {"format": 1, "question": "Ai là Bí thư?", "answer": "A [1].", "answerable": True, "rating": "down",
         "citations": [{"marker": 1, "article_id": "001"}], "settings": {"question_lang": "vi"}, "time": "t1"},
        {"format": 1, "question": "Ai là Bí thư?", "answer": "B [1].", "answerable": True, "rating": "up",
         "citations": [{"marker": 1, "article_id": "002"}, {"marker": 2, "chunk_id": "003#4"}],
         "settings": {"question_lang": "vi"}, "time": "t2", "comment": "đúng", "error": None},
        {"question": "Thời tiết?", "answer": "Không tìm thấy.", "answerable": False, "citations": [], "rating": "up"},
        {"question": "Giá vàng?", "answer": "C [1].", "answerable": True, "citations": [{"article_id": "004"}],
         "rating": "down", "comment": "sai", "time": "t4"},
        {"question": "Lỗi?", "answer": None, "error": "LLM timed out", "citations": [], "rating": "up"},
        {"question": "", "rating": "up"},
    ]
    good, to_label, warnings = feedback_rows(log)
    assert [r["gold_articles"] for r in good] == [["002", "003"], []]  # the later rating wins
    assert [r["answerable"] for r in good] == [True, False] and good[0]["lang"] == "vi"
    assert [question_from_json(r, "fb").id for r in good]
    assert [r["question"] for r in to_label] == ["Giá vàng?", "Lỗi?"]
    assert to_label[0]["needs_label"] and to_label[0]["system_cited"] == ["004"] and len(warnings) == 1
    with pytest.raises(InputError, match="labelled"):
        question_from_json(to_label[0], "fb")


# ---------------------------------------------------------------- --compare and CI


def _write(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


QUESTIONS = [
    {"id": f"q{i}", "question": f"Câu hỏi {i}?", "gold_articles": [f"a{i % 3}"], "answer_facts": [str(i)],
     "answerable": True} for i in range(10)
] + [{"id": "u1", "question": "Thời tiết?", "gold_articles": [], "answer_facts": [], "answerable": False}]


def _outputs(broken: set[str] = frozenset()) -> list[dict]:
    rows = []
    for row in QUESTIONS:
        if row["id"] in broken:  # the planted regression: the gold article falls out and the fact is lost
            rows.append(out(row["id"], "Không rõ [1].", retrieved=["zz"], citations=[(1, "zz", False)]))
        elif row["answerable"]:
            gold = row["gold_articles"][0]
            rows.append(out(row["id"], f"Có {row['answer_facts'][0]} [1].", retrieved=[gold, "zz"],
                            citations=[(1, gold, True)]))
        else:
            rows.append(out(row["id"], "Không tìm thấy.", answerable=False))
    return [{**r, "question": q["question"]} for r, q in zip(rows, QUESTIONS)]


def _eval(tmp_path: Path, capsys, *extra: str) -> tuple[int, dict]:
    code = cli.main(["eval", *extra, "--json", "--out-dir", str(tmp_path / "runs"), "--resamples", "200"])
    printed = capsys.readouterr().out
    return code, json.loads(printed) if printed.strip() else {}


def test_compare_exits_non_zero_on_a_planted_regression(tmp_path, capsys):
    questions = _write(tmp_path / "questions.jsonl", QUESTIONS)
    good = _write(tmp_path / "good.jsonl", _outputs())
    code, baseline = _eval(tmp_path, capsys, str(questions), "--from-output", str(good), "--no-report")
    assert code == 0 and baseline["metrics"]["hit@1"]["value"] == 1.0
    (tmp_path / "baseline.json").write_text(json.dumps(baseline), encoding="utf-8")

    same, summary = _eval(tmp_path, capsys, str(questions), "--from-output", str(good), "--compare",
                          str(tmp_path / "baseline.json"), "--no-report")
    assert same == 0 and summary["comparison"]["regressed"] == []

    bad = _write(tmp_path / "bad.jsonl", _outputs(broken={"q3"}))
    code, summary = _eval(tmp_path, capsys, str(questions), "--from-output", str(bad), "--compare",
                          str(tmp_path / "baseline.json"))
    assert code == 3
    assert "hit@1" in summary["comparison"]["regressed"] and summary["comparison"]["broken"] == ["q3"]
    report = Path(summary["run_dir"]) / "report.md"
    assert "REGRESSED" in report.read_text(encoding="utf-8") and "q3" in report.read_text(encoding="utf-8")
    # Within the tolerance no metric regresses, but the broken question still fails the gate.
    loose, summary = _eval(tmp_path, capsys, str(questions), "--from-output", str(bad), "--compare",
                           str(tmp_path / "baseline.json"), "--tolerance", "0.15", "--no-report")
    assert loose == 3 and summary["comparison"]["regressed"] == [] and summary["comparison"]["broken"] == ["q3"]


def test_compare_treats_declining_more_as_a_regression():
    questions = [question_from_json(r, "t") for r in QUESTIONS]
    base = {"questions": {"sha256": "x"}, "metrics": {}, "per_question": {}}
    now = dict(base)
    base["metrics"] = {k: {"value": v} for k, v in evaluate(questions, _outputs(), resamples=10).metrics.items()}
    declining = _outputs()
    declining[0] = out("q0", "Không tìm thấy.", answerable=False, retrieved=["a0"])
    now["metrics"] = {k: {"value": v} for k, v in evaluate(questions, declining, resamples=10).metrics.items()}
    assert "answerable_declined" in compare(now, base, tolerance=0.05).regressed


def test_committed_seeds_baseline_matches_the_seeds_question_set():
    from rag.ingest.files import file_sha256
    from rag.evaluate.summary import load_summary

    baseline = load_summary(REPO / "eval" / "baselines" / "seeds.json")
    assert baseline["questions"]["sha256"] == file_sha256(REPO / "eval" / "seeds.jsonl"), \
        "eval/seeds.jsonl changed: refresh the baseline (see eval/README.md)"


# ---------------------------------------------------------------- rag eval == scoring rag ask --batch


class HashEmbedder:
    """Deterministic stand-in for e5: folded syllables hashed into 64 dimensions."""

    spec = "test-hash"
    dim = 64

    def _vector(self, text: str) -> np.ndarray:
        from rag.text.vietnamese import folded_syllables

        v = np.zeros(self.dim, dtype=np.float32)
        for token in folded_syllables(text.lower()):
            v[zlib.crc32(token.encode()) % self.dim] += 1.0
        return v / (np.linalg.norm(v) or 1.0)

    def embed_passages(self, texts, progress=False):
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text):
        return self._vector(text)


ARTICLES = [
    {"id": "ml", "title": "Huyện ủy Mỹ Lộc tổng kết năm 2021", "text": "Năm 2021, huyện Mỹ Lộc kết nạp 51 đảng viên mới. "
     "Huyện đã kỷ luật 36 đảng viên, trong đó khai trừ 5 đảng viên."},
    {"id": "tm", "title": "Huyện ủy Tháp Mười làm việc với Mặt trận", "text": "Bí thư Huyện ủy Tháp Mười Nguyễn Văn Vũ "
     "Minh chủ trì buổi làm việc ngày 16/3/2021 với Mặt trận Tổ quốc huyện."},
    {"id": "cl", "title": "Cao Lãnh sáu tháng đầu năm 2024", "text": "Sáu tháng đầu năm 2024, huyện Cao Lãnh kết nạp 140 "
     "quần chúng ưu tú vào Đảng và công nhận 63 đảng viên chính thức."},
]
E2E_QUESTIONS = [
    {"id": "e1", "question": "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?", "lang": "vi",
     "gold_articles": ["ml"], "answer_facts": ["51"], "answerable": True},
    {"id": "e2", "question": "Ai là Bí thư Huyện ủy Tháp Mười?", "lang": "vi", "gold_articles": ["tm"],
     "answer_facts": ["Nguyễn Văn Vũ Minh"], "answerable": True},
    {"id": "e3", "question": "Còn số đảng viên bị kỷ luật thì sao?", "lang": "vi", "gold_articles": ["ml"],
     "answer_facts": ["36"], "answerable": True, "history": ["Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?"]},
    {"id": "e4", "question": "How many members did Cao Lãnh admit in 2024?", "lang": "en", "gold_articles": ["cl"],
     "answer_facts": ["140"], "answerable": True},
    {"id": "e5", "question": "Thời tiết Hà Nội ngày mai thế nào?", "lang": "vi", "gold_articles": [],
     "answer_facts": [], "answerable": False},
]


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory) -> Path:
    from rag.ingest.articles import load_articles
    from rag.index.store import build_index, save_index

    folder = tmp_path_factory.mktemp("tiny")
    source = _write(folder / "articles.jsonl", ARTICLES)
    path = folder / "index"
    save_index(build_index(load_articles(source).articles, HashEmbedder(), path), path)
    return path


def test_rag_eval_agrees_with_scoring_rag_ask_batch_output(tiny_index, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(embedding._BACKENDS, "test-hash", lambda spec, arg: HashEmbedder())
    questions = _write(tmp_path / "questions.jsonl", E2E_QUESTIONS)
    for retriever in ("hybrid", "bm25"):
        assert cli.main(["ask", "--batch", str(questions), "--json", "--index", str(tiny_index),
                         "--retriever", retriever]) == 0
        batch = _write(tmp_path / f"batch_{retriever}.jsonl",
                       [json.loads(l) for l in capsys.readouterr().out.splitlines() if l.strip()])
        code, ran = _eval(tmp_path, capsys, str(questions), "--index", str(tiny_index), "--retriever", retriever)
        assert code == 0 and ran["config"]["retriever"] == retriever and ran["index"]["embedder"]["spec"] == "test-hash"
        code, scored = _eval(tmp_path, capsys, str(questions), "--from-output", str(batch), "--no-report")
        assert code == 0
        assert scored["metrics"] == ran["metrics"]  # latency aside, the two routes give the same numbers
        assert scored["per_question"] == ran["per_question"]
        assert ran["metrics"]["hit@10"]["value"] == 1.0
        run_dir = Path(ran["run_dir"])
        records = read_jsonl(run_dir / "records.jsonl")
        assert [r["id"] for r in records] == [r["id"] for r in E2E_QUESTIONS]
        assert set(records[0]) >= {"question", "answer", "citations", "retrieved_articles", "scores", "timings_ms"}
        assert (run_dir / "report.html").read_text(encoding="utf-8").startswith("<!doctype html>")
        assert set(ran["latency_ms"]) >= {"retrieve", "generate", "total"}
