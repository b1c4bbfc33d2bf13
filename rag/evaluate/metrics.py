"""Evaluation metrics: pure functions over question-set rows and `rag ask --batch --json` output rows.

Every quality metric is a ratio of sums over questions: each question contributes a numerator and a
denominator (0/0 when the metric does not apply to it), so a metric, its per-language breakdown and its
bootstrap confidence interval all come from the same per-question numbers. Definitions (eval/README.md
repeats them): retrieval and answer facts count answerable questions only; article ids of `retrieved` are
deduplicated in rank order before hit@k; a response is "declined" when its `answerable` is false (an
error row counts as declined, with nothing retrieved).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from rag.cite import markers as marker_grammar
from rag.text.vietnamese import fold, normalize


@dataclass(frozen=True)
class Question:
    """One row of a question set (ARCHITECTURE §4.1); `reference_answers` is our optional extension."""

    id: str
    question: str
    answerable: bool
    gold_articles: tuple[str, ...] = ()
    answer_facts: tuple[tuple[str, ...], ...] = ()  # each item: its alternatives
    lang: str | None = None
    history: tuple[str, ...] = ()
    reference_answers: tuple[str, ...] = ()
    type: str | None = None  # optional question type (factoid, report, plan, list, comparison, digest, collection)


@dataclass(frozen=True)
class Metric:
    name: str
    higher_is_better: bool
    description: str


METRICS: tuple[Metric, ...] = (
    *(Metric(f"hit@{k}", True, f"a gold article among the first {k} distinct retrieved articles") for k in (1, 3, 5, 10)),
    Metric("recall@5", True, "share of gold articles among the first 5 distinct retrieved articles"),
    Metric("recall@10", True, "share of gold articles among the first 10 distinct retrieved articles"),
    Metric("mrr@10", True, "1 / rank of the first gold article within 10, else 0"),
    Metric("ndcg@10", True, "binary-relevance nDCG over the first 10 distinct articles"),
    Metric("answer_facts", True, "share of a question's answer facts met, averaged over questions with facts"),
    Metric("answer_facts_all", True, "questions whose answer facts are all met"),
    Metric("exact_match", True, "normalised answer equals a reference answer"),
    Metric("token_f1", True, "best syllable-level F1 against the reference answers"),
    Metric("markers_valid", True, "answered responses with at least one [n] marker, every one of them cited"),
    Metric("citation_precision_gold", True, "citations (answered, answerable questions) whose article is gold"),
    Metric("checker_citation_precision", True, "checked citations (answered responses) marked supported"),
    Metric("checker_citation_recall", True, "answered answerable questions with citations, all of them supported"),
    Metric("unanswerable_declined", True, "unanswerable questions the system declined"),
    Metric("answerable_declined", False, "answerable questions the system declined (lower is better)"),
)
METRIC_NAMES = tuple(m.name for m in METRICS)
HIGHER_IS_BETTER = {m.name: m.higher_is_better for m in METRICS}

_EN_ARTICLES = {"a", "an", "the"}


def ranked_articles(output: dict) -> list[str]:
    """Article ids of `retrieved`, best first, each once."""
    seen: list[str] = []
    for item in output.get("retrieved") or []:
        article = item.get("article_id")
        if article is not None and article not in seen:
            seen.append(article)
    return seen


def hit_at_k(ranked: list[str], gold: set[str], k: int) -> float:
    return 1.0 if any(a in gold for a in ranked[:k]) else 0.0


def recall_at_k(ranked: list[str], gold: set[str], k: int) -> float:
    return len(gold.intersection(ranked[:k])) / len(gold)


def mrr_at_k(ranked: list[str], gold: set[str], k: int = 10) -> float:
    return next((1.0 / rank for rank, a in enumerate(ranked[:k], start=1) if a in gold), 0.0)


def ndcg_at_k(ranked: list[str], gold: set[str], k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(rank + 1) for rank, a in enumerate(ranked[:k], start=1) if a in gold)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold), k) + 1))
    return dcg / ideal


def strip_markers(text: str) -> str:
    """The answer without its [n] markers, so that a fact '1' is not met by a marker '[1]'."""
    return marker_grammar.strip_markers(text, " ")


def markers(text: str) -> list[int]:
    return [n for m in marker_grammar.MARKER.finditer(text) for n in marker_grammar.parse_marker(m.group(1))]


def fact_met(alternatives: tuple[str, ...], answer: str) -> bool:
    """One alternative occurs in the answer as a whole word, case-insensitively and without diacritics.

    'Whole word' means not preceded or followed by a letter or digit, which also works for facts that
    begin or end with punctuation ('95,6%')."""
    haystack = " ".join(fold(normalize(strip_markers(answer))).split())
    for alternative in alternatives:
        needle = " ".join(fold(normalize(alternative)).split())
        if needle and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack):
            return True
    return False


def answer_tokens(text: str) -> list[str]:
    """SQuAD-style normalisation made Vietnamese-aware: NFC with one tone-mark convention, lowercase,
    punctuation removed, English articles dropped, split into syllables. Diacritics are kept: they
    tell Vietnamese words apart ('ma' / 'mà' / 'mã')."""
    text = normalize(strip_markers(text)).lower()
    text = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text)
    return [t for t in text.split() if t not in _EN_ARTICLES]


def exact_match(answer: str, references: tuple[str, ...]) -> float:
    tokens = answer_tokens(answer)
    return 1.0 if any(tokens == answer_tokens(r) for r in references) else 0.0


def token_f1(answer: str, references: tuple[str, ...]) -> float:
    predicted = answer_tokens(answer)
    best = 0.0
    for reference in references:
        gold = answer_tokens(reference)
        common = sum((Counter(predicted) & Counter(gold)).values())
        if common:
            precision, recall = common / len(predicted), common / len(gold)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def declined(output: dict) -> bool:
    """The system declined: `answerable` is false, or the row is an error."""
    return "error" in output or not output.get("answerable", False)


def question_scores(question: Question, output: dict) -> dict[str, tuple[float, float]]:
    """(numerator, denominator) of every metric for one question; (0, 0) where it does not apply."""
    scores = {name: (0.0, 0.0) for name in METRIC_NAMES}
    answered = not declined(output)
    answer = output.get("answer") or ""
    citations = (output.get("citations") or []) if answered else []
    gold = set(question.gold_articles)
    if question.answerable and gold:
        ranked = ranked_articles(output)
        for k in (1, 3, 5, 10):
            scores[f"hit@{k}"] = (hit_at_k(ranked, gold, k), 1.0)
        scores["recall@5"] = (recall_at_k(ranked, gold, 5), 1.0)
        scores["recall@10"] = (recall_at_k(ranked, gold, 10), 1.0)
        scores["mrr@10"] = (mrr_at_k(ranked, gold, 10), 1.0)
        scores["ndcg@10"] = (ndcg_at_k(ranked, gold, 10), 1.0)
    if question.answerable and question.answer_facts:
        met = sum(fact_met(f, answer) for f in question.answer_facts)
        scores["answer_facts"] = (met / len(question.answer_facts), 1.0)
        scores["answer_facts_all"] = (float(met == len(question.answer_facts)), 1.0)
    if question.answerable and question.reference_answers:
        scores["exact_match"] = (exact_match(answer, question.reference_answers) if answered else 0.0, 1.0)
        scores["token_f1"] = (token_f1(answer, question.reference_answers) if answered else 0.0, 1.0)
    if answered:
        found = markers(answer)
        cited = {c.get("marker") for c in citations}
        scores["markers_valid"] = (float(bool(found) and all(m in cited for m in found)), 1.0)
        checked = [c for c in citations if c.get("supported") is not None]
        scores["checker_citation_precision"] = (float(sum(c["supported"] is True for c in checked)), float(len(checked)))
    if answered and question.answerable:
        if gold:
            scores["citation_precision_gold"] = (float(sum(c.get("article_id") in gold for c in citations)), float(len(citations)))
        all_supported = bool(citations) and all(c.get("supported") is True for c in citations)
        scores["checker_citation_recall"] = (float(all_supported), 1.0)
    if question.answerable:
        scores["answerable_declined"] = (float(not answered), 1.0)
    else:
        scores["unanswerable_declined"] = (float(not answered), 1.0)
    return scores


def passed(question: Question, output: dict, scores: dict[str, tuple[float, float]]) -> bool:
    """The one-bit verdict the report and --compare use: an answerable question is answered, with a gold
    article in the top 5 and every fact met; an unanswerable one is declined."""
    if not question.answerable:
        return declined(output)
    ok = not declined(output)
    if scores["hit@5"][1]:
        ok = ok and scores["hit@5"][0] == 1.0
    if scores["answer_facts_all"][1]:
        ok = ok and scores["answer_facts_all"][0] == 1.0
    return ok


def aggregate(per_question: list[dict[str, tuple[float, float]]]) -> dict[str, float | None]:
    """Each metric as sum of numerators / sum of denominators; None when no question counts."""
    out: dict[str, float | None] = {}
    for name in METRIC_NAMES:
        num = sum(s[name][0] for s in per_question)
        den = sum(s[name][1] for s in per_question)
        out[name] = num / den if den else None
    return out


def bootstrap_ci(per_question: list[dict[str, tuple[float, float]]], resamples: int = 1000,
                 level: float = 0.95, seed: int = 0) -> dict[str, tuple[float, float] | None]:
    """Percentile bootstrap over questions (resampled with replacement), seeded so reports reproduce."""
    if not per_question:
        return {name: None for name in METRIC_NAMES}
    num = np.array([[s[n][0] for n in METRIC_NAMES] for s in per_question])
    den = np.array([[s[n][1] for n in METRIC_NAMES] for s in per_question])
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(len(per_question), np.full(len(per_question), 1 / len(per_question)), size=resamples)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = (counts @ num) / (counts @ den)
    tail = (1 - level) / 2 * 100
    out: dict[str, tuple[float, float] | None] = {}
    for j, name in enumerate(METRIC_NAMES):
        column = ratios[:, j][~np.isnan(ratios[:, j])]
        out[name] = None if den[:, j].sum() == 0 or not len(column) else (
            float(np.percentile(column, tail)), float(np.percentile(column, 100 - tail)))
    return out


def latency(outputs: list[dict]) -> dict[str, dict[str, float]]:
    """p50 and p95 (numpy's linear interpolation) of every stage in `timings_ms`, in milliseconds."""
    stages: dict[str, list[float]] = {}
    for output in outputs:
        for stage, ms in (output.get("timings_ms") or {}).items():
            stages.setdefault(stage, []).append(float(ms))
    return {
        stage: {"p50": float(np.percentile(v, 50)), "p95": float(np.percentile(v, 95)), "n": len(v)}
        for stage, v in stages.items()
    }


@dataclass(frozen=True)
class Evaluation:
    """Scores of one run: per question (aligned with `questions`) and in aggregate."""

    questions: tuple[Question, ...]
    outputs: tuple[dict, ...]
    per_question: tuple[dict[str, tuple[float, float]], ...]
    passed: tuple[bool, ...]
    metrics: dict[str, float | None]
    counts: dict[str, float]  # each metric's denominator
    ci95: dict[str, tuple[float, float] | None]
    latency_ms: dict[str, dict[str, float]]
    by_lang: dict[str, dict[str, float | None]] = field(default_factory=dict)
    by_type: dict[str, dict[str, float | None]] = field(default_factory=dict)


def evaluate(questions: list[Question], outputs: list[dict], resamples: int = 1000) -> Evaluation:
    """Score outputs already aligned with their questions (see eval_sets.align_outputs)."""
    per_question = [question_scores(q, o) for q, o in zip(questions, outputs, strict=True)]
    langs = sorted({q.lang for q in questions if q.lang})
    by_lang = {
        lang: aggregate([s for q, s in zip(questions, per_question) if q.lang == lang]) for lang in langs
    } if len(langs) > 1 else {}
    types = sorted({q.type for q in questions if q.type})
    by_type = {kind: aggregate([s for q, s in zip(questions, per_question) if q.type == kind]) for kind in types}
    return Evaluation(
        questions=tuple(questions), outputs=tuple(outputs), per_question=tuple(per_question),
        passed=tuple(passed(q, o, s) for q, o, s in zip(questions, outputs, per_question)),
        metrics=aggregate(per_question),
        counts={n: sum(s[n][1] for s in per_question) for n in METRIC_NAMES},
        ci95=bootstrap_ci(per_question, resamples=resamples),
        latency_ms=latency(outputs), by_lang=by_lang, by_type=by_type,
    )
