"""The `rag calibrate` command: pick the extractive answerer's decline threshold from a labelled question set
(rag/evaluate/calibration.py), print it with both error rates, and with --store keep it in the index manifest."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.cli.common import add_common, config_from_args, eprint
from rag.errors import InputError


def cmd_calibrate(args: argparse.Namespace) -> int:
    from rag.evaluate.calibration import choose_threshold, decision_scores, error_rates, store_in_manifest
    from rag.evaluate.sets import load_questions
    from rag.ingest.files import file_sha256
    from rag.pipeline import build_pipeline

    questions_path = Path(args.questions)
    questions = load_questions(questions_path)
    config = config_from_args(args).with_overrides(llm="extractive")
    pipeline = build_pipeline(config)
    scores = decision_scores(pipeline, questions)
    labelled = [(q.answerable, s) for q, s in zip(questions, scores)]
    try:
        calibration = choose_threshold(labelled)
    except ValueError as exc:
        raise InputError(f"{questions_path}: {exc}; add questions marked \"answerable\": false (or true)") from exc
    current = pipeline.generator.settings.min_score
    now_declined, now_answered = error_rates(current, labelled)
    report = {"questions": str(questions_path), "index": str(config.index), **calibration.to_dict(),
              "in_use": {"min_score": current, "answerable_declined": round(now_declined, 4),
                         "unanswerable_answered": round(now_answered, 4)}}
    if args.store:
        store_in_manifest(config.index, calibration, questions_path, file_sha256(questions_path))
        report["stored"] = True
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"min_score {calibration.min_score:.4f}: answerable declined {calibration.answerable_declined:.3f} "
              f"(n={calibration.answerable}), unanswerable answered {calibration.unanswerable_answered:.3f} "
              f"(n={calibration.unanswerable})")
        print(f"in use now {current:.4f}: answerable declined {now_declined:.3f}, "
              f"unanswerable answered {now_answered:.3f}")
    if args.store:
        eprint(f"stored min_score {calibration.min_score:.4f} in {Path(config.index) / 'manifest.json'}")
    return 0


def register(commands) -> None:
    """Add `rag calibrate` to the CLI's subcommands."""
    calibrate = commands.add_parser("calibrate", help="choose the decline threshold from a labelled question set")
    calibrate.add_argument("questions", help="question set (JSONL, ARCHITECTURE §4.1) with answerable and "
                                             "unanswerable questions")
    calibrate.add_argument("--store", action="store_true",
                           help="write the threshold into the index's manifest.json (decline.min_score)")
    calibrate.add_argument("--json", action="store_true", help="print one JSON object")
    add_common(calibrate)
    calibrate.set_defaults(func=cmd_calibrate)
