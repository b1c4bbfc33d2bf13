"""Which questions a SynthesisSettings change moves: the key-point recall of every report, plan, list and comparison
question of the spent synthesis sets (all development data) with the default settings and with the given values,
one line per question that differs, then the mean per set. The per-question view behind a settings_cv table.

Usage (from the repository root; --index holds every set's articles, `synthesis_set --index DIR` builds it):
  python -m eval.benchmarks.settings_diff --index /tmp/syn11j --set '{"length_weight": 3}'
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from eval.benchmarks.focus_train import answer, load_cases, recall
from eval.benchmarks.settings_cv import SIX
from rag.answer.synthesis import SynthesisSettings, Synthesiser
from rag.config import Config
from rag.pipeline import build_pipeline


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--set", type=json.loads, required=True, help='{"setting": value, ...}')
    parser.add_argument("--sets", nargs="+", default=list(SIX))
    args = parser.parse_args()
    pipeline = build_pipeline(Config(index=args.index))
    cases = load_cases(pipeline, args.sets)
    default, changed = Synthesiser(pipeline.generator), Synthesiser(pipeline.generator, replace(SynthesisSettings(), **args.set))
    before = np.array([recall(c, answer(default, c)) for c in cases])
    after = np.array([recall(c, answer(changed, c)) for c in cases])
    for c, b, a in zip(cases, before, after):
        if a != b:
            print(f"{c['set']} {c['q'].id} [{c['type']}, read as {c['plan'].question_type}]: {b:.2f} -> {a:.2f}")
    for name in dict.fromkeys(c["set"] for c in cases):
        held = np.array([c["set"] == name for c in cases])
        print(f"{name} ({held.sum()}): {before[held].mean():.3f} -> {after[held].mean():.3f} "
              f"({after[held].mean() - before[held].mean():+.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
