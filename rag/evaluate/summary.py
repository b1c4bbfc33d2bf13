"""The persisted run summary (metrics, configuration, index manifest, per-question verdicts) and the
comparison of a summary against a baseline that CI uses to catch regressions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path

from rag.config import Config
from rag.errors import InputError
from rag.ingest.files import read_json
from rag.evaluate.metrics import HIGHER_IS_BETTER, METRIC_NAMES, Evaluation, declined, ranked_articles

SUMMARY_FORMAT = "rag-eval-summary"
SUMMARY_VERSION = 1
# Per-question values kept in the summary so that a later run can say which questions it fixed or broke.
_PER_QUESTION_KEYS = ("hit@1", "hit@5", "mrr@10", "answer_facts", "token_f1")


def config_to_json(config: Config) -> dict:
    """The effective configuration, without secrets: summaries get committed as baselines. The fields
    Config hides from repr (API key, UI password) are left out; a base URL loses its credentials."""
    from rag.answer.llm_errors import mask_secrets

    hidden = {f.name for f in fields(config) if not f.repr}
    data = {k: v for k, v in asdict(config).items() if k not in hidden}
    if data.get("base_url"):
        data["base_url"] = mask_secrets(str(data["base_url"]))
    return {k: _portable(v) if isinstance(v, Path) else v for k, v in data.items()}


def _portable(path: Path) -> str:
    """A path as a committed baseline should show it: under the home folder as ~/..., not the machine's own path."""
    try:
        return str(Path("~") / path.expanduser().relative_to(Path.home()))
    except ValueError:
        return str(path)


def build_summary(evaluation: Evaluation, *, label: str, created_utc: str, questions_info: dict,
                  source: str, config: Config | None, manifest: dict | None) -> dict:
    """The summary.json of a run: everything needed to read, reproduce and compare it."""
    per_question = {}
    for q, o, scores, ok in zip(evaluation.questions, evaluation.outputs, evaluation.per_question, evaluation.passed):
        entry: dict = {"passed": ok, "declined": declined(o)}
        entry.update({k: scores[k][0] / scores[k][1] for k in _PER_QUESTION_KEYS if scores[k][1]})
        per_question[q.id] = entry
    return {
        "format": SUMMARY_FORMAT,
        "format_version": SUMMARY_VERSION,
        "label": label,
        "created_utc": created_utc,
        "questions": questions_info,
        "source": source,
        "config": config_to_json(config) if config is not None else None,
        "index": {k: v for k, v in manifest.items() if k != "files"} if manifest else None,
        "metrics": {
            name: {"value": evaluation.metrics[name], "n": evaluation.counts[name],
                   "ci95": list(evaluation.ci95[name]) if evaluation.ci95[name] else None}
            for name in METRIC_NAMES
        },
        "latency_ms": evaluation.latency_ms,
        "by_lang": evaluation.by_lang,
        "by_type": evaluation.by_type,
        "passed": sum(evaluation.passed),
        "failed": [q.id for q, ok in zip(evaluation.questions, evaluation.passed) if not ok],
        "per_question": per_question,
    }


def question_record(evaluation: Evaluation, i: int) -> dict:
    """One line of records.jsonl: the question, what the system said and retrieved, scores and timings.
    `scores` maps each metric that applies to the question to [numerator, denominator]."""
    q, o, scores = evaluation.questions[i], evaluation.outputs[i], evaluation.per_question[i]
    return {
        "id": q.id, "question": q.question, "lang": q.lang, "type": q.type, "history": list(q.history),
        "expected": {"answerable": q.answerable, "gold_articles": list(q.gold_articles),
                     "answer_facts": [list(f) for f in q.answer_facts], "reference_answers": list(q.reference_answers)},
        "answer": o.get("answer"), "answerable": o.get("answerable"), "error": o.get("error"),
        "citations": o.get("citations", []),
        "retrieved_articles": ranked_articles(o),
        "retrieved": [r.get("chunk_id") for r in o.get("retrieved") or []],
        "scores": {k: [v[0], v[1]] for k, v in scores.items() if v[1]},
        "passed": evaluation.passed[i],
        "timings_ms": o.get("timings_ms", {}),
    }


def load_summary(path: Path) -> dict:
    """A summary.json, or the summary.json inside a run folder."""
    path = Path(path)
    if path.is_dir():
        path = path / "summary.json"
    summary = read_json(path, fix_missing=f"; make a baseline with: rag eval QUESTIONS.jsonl --save-summary {path}")
    if not isinstance(summary, dict) or summary.get("format") != SUMMARY_FORMAT:
        raise InputError(f"{path} is not an evaluation summary (no \"format\": \"{SUMMARY_FORMAT}\")")
    return summary


@dataclass(frozen=True)
class MetricDelta:
    name: str
    baseline: float | None
    current: float | None
    delta: float | None
    regressed: bool


@dataclass(frozen=True)
class Comparison:
    """Deltas per metric, questions fixed and broken, and whether any metric dropped past the tolerance."""

    tolerance: float
    deltas: tuple[MetricDelta, ...]
    fixed: tuple[str, ...]
    broken: tuple[str, ...]  # passed in the baseline, fails now
    warnings: tuple[str, ...]
    lost_top1: tuple[str, ...] = ()  # gold article first in the baseline, not now (hit@5 hides this)

    @property
    def regressed(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.deltas if d.regressed)

    @property
    def gate_failed(self) -> bool:
        """The CI gate: any metric past the tolerance, or any single question newly broken (a break is not
        excused by a fix elsewhere; it is accepted only by a baseline updated with a reason)."""
        return bool(self.regressed or self.broken or self.lost_top1)

    def to_dict(self) -> dict:
        return {"tolerance": self.tolerance, "regressed": list(self.regressed), "fixed": list(self.fixed),
                "broken": list(self.broken), "lost_hit@1": list(self.lost_top1), "gate_failed": self.gate_failed,
                "warnings": list(self.warnings),
                "deltas": {d.name: {"baseline": d.baseline, "current": d.current, "delta": d.delta,
                                    "regressed": d.regressed} for d in self.deltas}}


def compare(current: dict, baseline: dict, tolerance: float = 0.02) -> Comparison:
    """Quality metrics only (latency depends on the machine). A metric regresses when it moves the wrong
    way by more than `tolerance` (absolute), or when the baseline measured it and this run cannot."""
    warnings = []
    if current["questions"].get("sha256") != baseline["questions"].get("sha256"):
        warnings.append("the question sets differ (sha256): deltas mix changed questions with changed answers")
    deltas = []
    for name in METRIC_NAMES:
        base = (baseline.get("metrics", {}).get(name) or {}).get("value")
        cur = (current["metrics"].get(name) or {}).get("value")
        if base is None:
            deltas.append(MetricDelta(name, base, cur, None, False))
            continue
        if cur is None:
            deltas.append(MetricDelta(name, base, cur, None, True))
            continue
        delta = cur - base
        worse = -delta if HIGHER_IS_BETTER[name] else delta
        # The epsilon keeps float noise (0.1 + 0.2) from deciding a tie at exactly the tolerance.
        deltas.append(MetricDelta(name, base, cur, delta, worse > tolerance + 1e-9))
    before, after = baseline.get("per_question", {}), current.get("per_question", {})
    common = [qid for qid in after if qid in before]
    fixed = tuple(q for q in common if after[q]["passed"] and not before[q]["passed"])
    broken = tuple(q for q in common if before[q]["passed"] and not after[q]["passed"])
    lost_top1 = tuple(q for q in common if before[q].get("hit@1") == 1.0 and after[q].get("hit@1") == 0.0
                      and q not in broken)
    return Comparison(tolerance, tuple(deltas), fixed, broken, tuple(warnings), lost_top1)


def record_baseline_change(previous: dict | None, summary: dict, reason: str | None, tolerance: float) -> list[dict]:
    """The `changes` list of a baseline about to be saved over `previous` (None: a first baseline).

    Every question a baseline lets fail must be accounted for: a first baseline lists its failing
    questions; a later one that breaks questions (or drops a metric) needs a reason, kept with the lists of
    what broke and what was fixed. The reason travels in the baseline file, so it is committed with the
    change that needed it; tests/evaluate/test_gate.py checks every committed baseline accounts for its
    failures."""
    if previous is None:
        return [{"at": summary["created_utc"], "reason": reason or "first baseline",
                 "failing": list(summary["failed"])}]
    comparison = compare(summary, previous, tolerance)
    changes = list(previous.get("changes") or [])
    if comparison.gate_failed and not reason:
        what = ", ".join(comparison.broken + comparison.lost_top1) or ", ".join(comparison.regressed)
        raise InputError(f"this baseline would accept a regression ({what}); say why with --reason \"...\" "
                         "(it is stored in the baseline, committed with the change)")
    if reason or comparison.fixed or comparison.gate_failed:
        changes.append({"at": summary["created_utc"], "reason": reason or "questions fixed",
                        "broken": list(comparison.broken), "lost_hit@1": list(comparison.lost_top1),
                        "fixed": list(comparison.fixed), "regressed": list(comparison.regressed)})
    return changes


def unexplained_failures(baseline: dict) -> list[str]:
    """Questions a baseline lets fail (or miss at rank 1) that no `changes` entry with a reason names."""
    named: set[str] = set()
    for change in baseline.get("changes") or []:
        if str(change.get("reason") or "").strip():
            for key in ("failing", "broken", "lost_hit@1"):
                named.update(change.get(key) or [])
    return [q for q, entry in baseline.get("per_question", {}).items()
            if (not entry["passed"] or entry.get("hit@1") == 0.0) and q not in named]
