"""The `rag eval` command (run or score a question set, write a run folder and report, compare with a
baseline) and `rag eval-convert` (question sets from SQuAD files, XQuAD and the UI's feedback log).

Exit codes of `rag eval`: 0 fine, 1 an error, 3 a metric regressed past the tolerance against --compare.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Iterator

from rag.cli.common import add_common, add_generation, config_from_args, eprint
from rag.errors import InputError, RagError
from rag.evaluate.sets import (align_outputs, feedback_rows, load_questions, read_jsonl, squad_to_rows, write_jsonl,
                               xquad_rows)
from rag.ingest.files import file_sha256, read_json
from rag.evaluate.summary import build_summary, compare, load_summary, question_record, record_baseline_change
from rag.evaluate.metrics import METRIC_NAMES, Question, evaluate

REGRESSION_EXIT = 3
DEFAULT_TOLERANCE = 0.02


def answer_rows(pipeline, questions: list[Question], progress: bool = False) -> Iterator[dict]:
    """What `rag ask --batch --json` prints for these questions, row by row: the same calls, so that
    scoring its output gives the same numbers as scoring this."""
    from tqdm import tqdm

    for q in tqdm(questions, desc="questions", unit="q", disable=not progress, file=sys.stderr):
        try:
            yield pipeline.answer(q.question, history=list(q.history) or None).to_dict(question_id=q.id)
        except RagError as exc:  # as `rag ask --batch`: one failing question (bad input, LLM error) is a row
            yield {"id": q.id, "question": q.question, "error": str(exc)}


def _run_folder(root: Path, label: str) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in label)
    folder = root / f"{stamp}_{safe}"
    n = 2
    while folder.exists():  # two runs in the same second
        folder = root / f"{stamp}_{safe}-{n}"
        n += 1
    folder.mkdir(parents=True)
    return folder


def _print_table(summary: dict) -> None:
    for name in METRIC_NAMES:
        m = summary["metrics"][name]
        if m["value"] is not None:
            ci = f"  [{m['ci95'][0]:.3f}, {m['ci95'][1]:.3f}]" if m["ci95"] else ""
            print(f"{name:28s} {m['value']:.3f}{ci}  n={m['n']:g}")
    for kind, metrics in sorted((summary.get("by_type") or {}).items()):
        shown = {n: metrics.get(n) for n in ("answer_facts", "answerable_declined", "checker_citation_precision")}
        print(f"{'type ' + kind:28s} " + "  ".join(f"{n} {v:.3f}" for n, v in shown.items() if v is not None))
    total = summary["latency_ms"].get("total")
    if total:
        print(f"{'latency total p50/p95 ms':28s} {total['p50']:.1f} / {total['p95']:.1f}")
    print(f"passed {summary['passed']}/{summary['questions']['count']}")


def _answers(args: argparse.Namespace, questions: list[Question]):
    """The batch output rows to score, the effective configuration (None when scoring a file) and the
    index manifest (when known)."""
    if args.from_output:
        outputs = align_outputs(questions, read_jsonl(Path(args.from_output), "batch output"))
        manifest = None
        if args.index:
            from rag.index.store import read_manifest

            manifest = read_manifest(Path(args.index))
        return outputs, None, manifest
    from rag.pipeline import build_pipeline

    config = config_from_args(args)
    pipeline = build_pipeline(config)
    return list(answer_rows(pipeline, questions, progress=not args.quiet)), config, pipeline.index.manifest


def _report_comparison(comparison, baseline: str) -> int:
    for warning in comparison.warnings:
        eprint(f"warning: {warning}")
    if comparison.fixed or comparison.broken:
        eprint(f"fixed: {', '.join(comparison.fixed) or 'none'}; broken: {', '.join(comparison.broken) or 'none'}")
    for d in comparison.deltas:
        if d.regressed:
            now = "not measured" if d.current is None else f"{d.current:.3f}"
            eprint(f"regression: {d.name} {d.baseline:.3f} -> {now} (tolerance {comparison.tolerance})")
    for qid in comparison.broken:
        eprint(f"regression: question {qid} passed in the baseline and fails now")
    for qid in comparison.lost_top1:
        eprint(f"regression: question {qid} had its gold article first in the baseline, not now")
    if comparison.gate_failed:
        eprint(f"to accept this, update the baseline in the same commit with a reason: rag eval ... "
               f"--save-summary {baseline} --reason \"why\"")
        return REGRESSION_EXIT
    eprint(f"no metric dropped by more than {comparison.tolerance} against {baseline}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    if args.tolerance < 0:
        raise InputError(f"--tolerance must be 0 or more, got {args.tolerance}")
    questions_path = Path(args.questions)
    questions = load_questions(questions_path)
    baseline = load_summary(Path(args.compare)) if args.compare else None  # fail before the slow part
    outputs, config, manifest = _answers(args, questions)
    label = args.label or f"{questions_path.stem}_{'from-output' if config is None else config.retriever}"
    evaluation = evaluate(questions, outputs, resamples=args.resamples)
    folder = _run_folder(Path(args.out_dir), label)
    info = {"path": str(questions_path), "sha256": file_sha256(questions_path), "count": len(questions),
            "answerable": sum(q.answerable for q in questions),
            "unanswerable": sum(not q.answerable for q in questions)}
    source = f"scored from {args.from_output}" if args.from_output else "ran the pipeline"
    summary = build_summary(evaluation, label=label, created_utc=folder.name.split("_")[0], questions_info=info,
                            source=source, config=config, manifest=manifest)
    summary["run_dir"] = str(folder)
    comparison = None
    if baseline is not None:
        comparison = compare(summary, baseline, args.tolerance)
        summary["comparison"] = {"baseline": str(args.compare), **comparison.to_dict()}
    write_jsonl(folder / "outputs.jsonl", outputs)
    write_jsonl(folder / "records.jsonl", (question_record(evaluation, i) for i in range(len(questions))))
    text = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
    (folder / "summary.json").write_text(text, encoding="utf-8")
    if args.save_summary:
        target = Path(args.save_summary)
        previous = load_summary(target) if target.exists() else None
        saved = {**summary, "changes": record_baseline_change(previous, summary, args.reason, args.tolerance)}
        saved.pop("comparison", None)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if not args.no_report:
        from rag.evaluate.report import write_report

        for warning in write_report(folder, summary, evaluation):
            eprint(f"warning: {warning}")
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        _print_table(summary)
        print(f"run folder: {folder}")
    eprint(f"wrote {folder}")
    return _report_comparison(comparison, args.compare) if comparison is not None else 0


_TABLE_COLUMNS = (("hit@1", "hit@1"), ("hit@5", "hit@5"), ("mrr@10", "MRR@10"), ("ndcg@10", "nDCG@10"),
                  ("recall@10", "R@10"), ("answer_facts", "facts"), ("token_f1", "F1"), ("exact_match", "EM"),
                  ("citation_precision_gold", "cit. prec."), ("unanswerable_declined", "unans. declined"),
                  ("answerable_declined", "ans. declined"))


def cmd_table(args: argparse.Namespace) -> int:
    """One Markdown row per run: the table in eval/README.md."""
    print("| run | questions | " + " | ".join(h for _, h in _TABLE_COLUMNS) + " | p50 / p95 ms |")
    print("|---" * (len(_TABLE_COLUMNS) + 3) + "|")
    for path in args.runs:
        summary = load_summary(Path(path))
        cells = [("—" if summary["metrics"][k]["value"] is None else f"{summary['metrics'][k]['value']:.3f}")
                 for k, _ in _TABLE_COLUMNS]
        total = summary["latency_ms"].get("total")
        latency = f"{total['p50']:.0f} / {total['p95']:.0f}" if total else "—"
        print(f"| {summary['label']} | {summary['questions']['count']} | " + " | ".join(cells) + f" | {latency} |")
    return 0


# ---------------------------------------------------------------- converters


def cmd_convert_squad(args: argparse.Namespace) -> int:
    articles, questions = squad_to_rows(read_json(Path(args.file)), prefix=args.prefix, lang=args.lang,
                                        titles=args.titles, where=str(args.file))
    write_jsonl(Path(args.articles), articles)
    write_jsonl(Path(args.out), questions)
    eprint(f"wrote {len(questions)} questions to {args.out} and {len(articles)} articles to {args.articles}")
    return 0


_XQUAD_ATTRIBUTION = """# XQuAD, Vietnamese: derived files

Derived from XQuAD (Artetxe, Ruder and Yogatama, "On the Cross-lingual Transferability of Monolingual
Representations", 2020; github.com/deepmind/xquad), itself built on SQuAD v1.1 (Rajpurkar et al., 2016)
and Wikipedia. Licensed under CC BY-SA 4.0 (the full text is in LICENSE beside this file); these derived
files are shared under the same licence.

Changes: the 240 Vietnamese paragraphs of `xquad.vi.json` became one article each (`articles.jsonl`, no
title); the Vietnamese and English questions of `xquad.vi.json` and `xquad.en.json` became question sets
(`vi.jsonl`, `en.jsonl`) whose gold article is the Vietnamese paragraph and whose answer facts are the
answer spans. Made by `rag eval-convert xquad` from:

{sources}
"""


def cmd_convert_xquad(args: argparse.Namespace) -> int:
    source, out = Path(args.source), Path(args.out_dir)
    files = {name: source / f"xquad.{name}.json" for name in ("vi", "en")}
    articles, vi, en = xquad_rows(read_json(files["vi"]), read_json(files["en"]))
    licence = source / "CC-BY-SA4.0.txt"
    if not licence.exists():
        raise InputError(f"{licence} is missing: the derived files must ship with XQuAD's licence")
    write_jsonl(out / "articles.jsonl", articles)
    write_jsonl(out / "vi.jsonl", vi)
    write_jsonl(out / "en.jsonl", en)
    shutil.copyfile(licence, out / "LICENSE")
    sources = "\n".join(f"- `{p.name}` sha256 {file_sha256(p)}" for p in files.values())
    (out / "ATTRIBUTION.md").write_text(_XQUAD_ATTRIBUTION.format(sources=sources), encoding="utf-8")
    eprint(f"wrote {len(articles)} articles, {len(vi)} vi and {len(en)} en questions to {out}")
    return 0


def cmd_convert_feedback(args: argparse.Namespace) -> int:
    good, to_label, warnings = feedback_rows(read_jsonl(Path(args.log), "feedback log"))
    for warning in warnings:
        eprint(f"warning: {warning}")
    out = Path(args.out)
    label_path = Path(args.to_label) if args.to_label else out.with_name(out.stem + ".to_label.jsonl")
    write_jsonl(out, good)
    write_jsonl(label_path, to_label)
    eprint(f"wrote {len(good)} questions from 👍 answers to {out} and {len(to_label)} 👎 ones to label to {label_path}")
    return 0


# ---------------------------------------------------------------- parser


def register(commands) -> None:
    """Add `eval` and `eval-convert` to the `rag` command's subparsers."""
    ev = commands.add_parser("eval", help="score the system on a question set; write a run folder and report",
                             description="Answers every question with the same pipeline as `rag ask` (or scores an "
                                         "existing `rag ask --batch --json` output), writes eval/runs/<UTC>_<label>/ "
                                         "and exits 3 when --compare finds a regression.")
    ev.add_argument("questions", help="question set (JSONL, ARCHITECTURE §4.1)")
    ev.add_argument("--from-output", dest="from_output", metavar="ANSWERS.jsonl",
                    help="score this `rag ask --batch --json` output instead of running the pipeline")
    ev.add_argument("--label", help="name of the run (default: question set and retriever)")
    ev.add_argument("--out-dir", dest="out_dir", default="eval/runs", help="where run folders go (default eval/runs)")
    ev.add_argument("--compare", metavar="BASELINE", help="a baseline summary.json (or run folder) to compare with")
    ev.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE,
                    help=f"largest allowed drop of a metric, absolute (default {DEFAULT_TOLERANCE})")
    ev.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (default 1000)")
    ev.add_argument("--save-summary", dest="save_summary", metavar="PATH",
                    help="also write the summary here, e.g. to accept it as eval/baselines/seeds.json")
    ev.add_argument("--reason", help="with --save-summary over a baseline: why questions it breaks are accepted "
                                     "(required then; kept in the baseline's \"changes\")")
    ev.add_argument("--json", action="store_true", help="print the summary as JSON")
    ev.add_argument("--no-report", dest="no_report", action="store_true", help="skip report.md/.html and plots")
    ev.add_argument("--quiet", action="store_true", help="no progress bar")
    add_common(ev)
    add_generation(ev)
    ev.set_defaults(func=cmd_eval)

    table = commands.add_parser("eval-table", help="a Markdown table of key metrics from run folders or summaries")
    table.add_argument("runs", nargs="+", help="run folders or summary.json files")
    table.set_defaults(func=cmd_table)

    conv = commands.add_parser("eval-convert", help="make question sets from SQuAD files, XQuAD or the feedback log")
    kinds = conv.add_subparsers(dest="convert_kind", required=True)
    squad = kinds.add_parser("squad", help="a SQuAD v1.1/v2.0 JSON file -> questions + articles (one per paragraph)")
    squad.add_argument("file")
    squad.add_argument("--out", required=True, help="question set to write (JSONL)")
    squad.add_argument("--articles", required=True, help="articles to write (JSONL, for rag index build --source)")
    squad.add_argument("--prefix", default="squad", help="id prefix for articles and questions")
    squad.add_argument("--lang", help="language code stored with each question, e.g. vi")
    squad.add_argument("--titles", action="store_true", help="keep document titles as article titles")
    squad.set_defaults(func=cmd_convert_squad)
    xquad = kinds.add_parser("xquad", help="XQuAD vi+en -> eval/xquad (articles, vi and en questions, licence)")
    xquad.add_argument("source", help="folder with xquad.vi.json, xquad.en.json and CC-BY-SA4.0.txt")
    xquad.add_argument("--out-dir", dest="out_dir", default="eval/xquad")
    xquad.set_defaults(func=cmd_convert_xquad)
    feedback = kinds.add_parser("feedback", help="the UI's feedback log -> questions (👍) and rows to label (👎)")
    feedback.add_argument("log", help="feedback log (JSONL: question, answer, citations, rating, comment, settings, time)")
    feedback.add_argument("--out", required=True, help="question set to write (JSONL)")
    feedback.add_argument("--to-label", dest="to_label", help="where 👎 rows go (default OUT.to_label.jsonl)")
    feedback.set_defaults(func=cmd_convert_feedback)
