"""Leave-one-SET-out cross-validation of SynthesisSettings values over the spent synthesis sets (all development
data): for each fold, the value with the best mean key-point recall on the other sets is chosen and the held set's
recall with it is printed beside the default's. A value counts only when it helps the mean over folds and does not
hurt the folds named by --guard (the sets that were last unseen).

Only report, plan, list and comparison questions with key points are answered (as in focus_train), with the same
retrieval for every value (planned and retrieved once).

Usage (from the repository root; --index holds every set's articles, `synthesis_set --index DIR` builds it):
  python -m eval.benchmarks.settings_cv --index /tmp/syn11j --grid '{"plan_outside_penalty": [Infinity, 0.5, 1]}'
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from eval.benchmarks.focus_train import answer, by_type, load_cases, recall
from rag.answer.synthesis import SynthesisSettings, Synthesiser
from rag.config import Config
from rag.pipeline import build_pipeline

SIX = ("eval/synthesis.jsonl", "eval/synthesis_heldout.jsonl", "eval/synthesis_heldout3.jsonl",
       "eval/synthesis_heldout4.jsonl", "eval/synthesis_heldout5.jsonl", "eval/synthesis_heldout6.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--grid", type=json.loads, required=True, help='{"setting": [values, ...], ...}')
    parser.add_argument("--sets", nargs="+", default=list(SIX))
    parser.add_argument("--guard", nargs="*", default=["synthesis_heldout5", "synthesis_heldout6"])
    args = parser.parse_args()
    pipeline = build_pipeline(Config(index=args.index))
    cases = load_cases(pipeline, args.sets)
    names = list(args.grid)
    settings = [dict(zip(names, values)) for values in itertools.product(*(args.grid[n] for n in names))]
    scores = {}
    for setting in settings:
        synthesiser = Synthesiser(pipeline.generator, replace(SynthesisSettings(), **setting))
        scores[json.dumps(setting)] = np.array([recall(c, answer(synthesiser, c)) for c in cases])
        print(f"{setting}: all sets {scores[json.dumps(setting)].mean():.3f}", flush=True)
    default = np.array([recall(c, answer(Synthesiser(pipeline.generator), c)) for c in cases])
    sets = list(dict.fromkeys(c["set"] for c in cases))
    gains, guard_ok = [], True
    for test in sets:
        held = np.array([c["set"] == test for c in cases])
        chosen = max(scores, key=lambda k: scores[k][~held].mean())
        after, before = scores[chosen][held], default[held]
        gains.append(after.mean() - before.mean())
        guard_ok &= test not in args.guard or after.mean() >= before.mean() - 1e-9
        cases_held = [c for c, h in zip(cases, held) if h]
        print(f"fold {test}: default {before.mean():.3f} [{by_type(cases_held, before)}] -> {after.mean():.3f} "
              f"[{by_type(cases_held, after)}] (chosen on the others: {chosen})")
    print(f"mean gain over folds {np.mean(gains):+.3f}; guard folds {'not hurt' if guard_ok else 'HURT'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
