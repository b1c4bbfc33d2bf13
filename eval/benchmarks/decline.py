"""Answerable and unanswerable questions declined, per corpus, each with a decline threshold chosen without
the set it is measured on (issue 13). Prints the table in eval/README.md ("Decline threshold").

Sets and indexes (built at run time in a temporary folder):
- seeds: eval/seeds.jsonl and eval/seeds_heldout.jsonl over the five seed articles;
- XQuAD, with unanswerable questions: the index holds the paragraphs of half the 48 Wikipedia titles (sorted,
  every other one), so questions about the other half have no answer in it. Titles are dealt into a
  calibration part (titles 0, 1 mod 4) and a measurement part (2, 3 mod 4), each half answerable; XQuAD's own
  threshold is chosen on the calibration part of the same language and measured on the other part.
Thresholds: the shipped default (what `rag calibrate eval/seeds.jsonl` chooses, so seeds are measured with
the threshold chosen on the old held-out seeds instead), and the corpus's own for XQuAD.
Scores are computed once per question; the thresholds are applied to them (rag/evaluate/calibration.py).

Usage: python -m eval.benchmarks.decline [--xquad eval/xquad]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from rag.evaluate.calibration import choose_threshold, decision_scores, error_rates
from rag.evaluate.metrics import Question
from rag.evaluate.sets import load_questions
from rag.ingest.jsonl import read_jsonl, write_jsonl

ROOT = Path(__file__).resolve().parents[2]


def build(source: Path, index: Path) -> None:
    subprocess.run([sys.executable, "-m", "rag.cli", "index", "build", "--source", str(source), "--index", str(index),
                    "--quiet"], check=True, cwd=ROOT)


def labelled(index: Path, questions: list[Question]) -> list[tuple[bool, float | None]]:
    from rag.config import from_env
    from rag.pipeline import build_pipeline

    pipeline = build_pipeline(from_env().with_overrides(index=index, llm="extractive"))
    return [(q.answerable, s) for q, s in zip(questions, decision_scores(pipeline, questions))]


def xquad_parts(xquad: Path, tmp: Path, language: str) -> tuple[Path, list[Question], list[Question]]:
    """The half-title XQuAD folder, and (calibration, measurement) question lists for one language."""
    def title(article_id: str) -> str:
        return re.sub(r"_\d+$", "", article_id)

    articles = read_jsonl(xquad / "articles.jsonl", "XQuAD articles")
    titles = sorted({title(a["id"]) for a in articles})
    position = {t: i for i, t in enumerate(titles)}
    held = {t for t in titles if position[t] % 2 == 0}
    source = tmp / "xquad-half"
    if not source.exists():
        write_jsonl(source / "articles.jsonl", [a for a in articles if title(a["id"]) in held])
    parts: tuple[list, list] = ([], [])
    for row in read_jsonl(xquad / f"{language}.jsonl", "XQuAD questions"):
        t = title(row["gold_articles"][0])
        if t not in held:
            row = {**row, "gold_articles": [], "answer_facts": [], "answerable": False, "reference_answers": []}
        parts[position[t] % 4 >= 2].append(row)
    files = []
    for name, rows in zip(("calibration", "measurement"), parts):
        write_jsonl(tmp / f"xquad-{language}-{name}.jsonl", rows)
        files.append(load_questions(tmp / f"xquad-{language}-{name}.jsonl"))
    return source, files[0], files[1]


def row(name: str, threshold: float, chosen_on: str, scores) -> str:
    declined, answered = error_rates(threshold, scores)
    answerable = sum(a for a, _ in scores)
    unanswerable = len(scores) - answerable
    unans = f"{1 - answered:.3f} (n={unanswerable})" if unanswerable else "—"
    return f"| {name} | {threshold:.4f} | {chosen_on} | {declined:.3f} (n={answerable}) | {unans} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xquad", type=Path, default=ROOT / "eval" / "xquad")
    args = parser.parse_args()
    from rag.answer.extractive import ExtractiveSettings

    default = ExtractiveSettings().min_score
    with tempfile.TemporaryDirectory(prefix="decline-") as tmp:
        tmp = Path(tmp)
        build(ROOT / "seeds", tmp / "seeds-index")
        seeds = labelled(tmp / "seeds-index", load_questions(ROOT / "eval" / "seeds.jsonl"))
        heldout = labelled(tmp / "seeds-index", load_questions(ROOT / "eval" / "seeds_heldout.jsonl"))
        on_seeds = choose_threshold(seeds).min_score
        on_heldout = choose_threshold(heldout).min_score
        lines = [f"shipped default {default:.4f}; `rag calibrate eval/seeds.jsonl` chooses {on_seeds:.4f}", "",
                 "| set | threshold | chosen on | answerable declined | unanswerable declined |",
                 "|---|---|---|---|---|",
                 row("seeds", on_heldout, "old held-out seeds", seeds),
                 row("old held-out seeds", default, "seeds (default)", heldout)]
        for language in ("vi", "en"):
            source, calibration, measurement = xquad_parts(args.xquad, tmp, language)
            if not (tmp / "xquad-index").exists():
                build(source, tmp / "xquad-index")
            own = choose_threshold(labelled(tmp / "xquad-index", calibration)).min_score
            measured = labelled(tmp / "xquad-index", measurement)
            lines.append(row(f"XQuAD {language}, half the titles indexed", default, "seeds (default)", measured))
            lines.append(row(f"XQuAD {language}, half the titles indexed", own,
                             f"XQuAD {language}, other titles", measured))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
