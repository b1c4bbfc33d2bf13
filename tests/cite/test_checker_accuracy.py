"""The checker's accuracy on pairs it was not tuned on: the project's held-out pairs, and the test half of the
perturbation benchmark over real vietnews sentences (eval/benchmarks/checker_pairs.py). The rules were
chosen on the benchmark's development half; these floors are a little under the figures measured once on the
test half (eval/BENCHMARKS.md), so a regression fails here."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rag.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def test_heldout_pairs_floor(capsys):
    code = main(["check", "--pairs", str(REPO / "eval" / "checker_pairs_heldout.jsonl"), "--lexical-only",
                 "--json", "--no-metadata"])
    report = json.loads(capsys.readouterr().out)
    # main's checker scores 16/20 here, this one 15/20 (eval/BENCHMARKS.md §6): the floor guards against worse
    assert code == 0 and report["pairs"] >= 20 and report["accuracy"] >= 0.75, report["errors"]


@pytest.fixture(scope="module")
def test_half():
    from eval.benchmarks import checker_pairs as bench

    if not bench.DATA.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{bench.DATA} is missing: CI must have ../shared/data/vietnews")
        pytest.skip("../shared/data/vietnews is not here")
    pairs = [p for p in bench.build_pairs(bench.read_articles(bench.DATA)) if p["half"] == "test"]
    return bench, pairs[::3]  # every third pair of the test half keeps CI under a minute


@pytest.mark.parametrize("form", ["context", "bare"])
def test_benchmark_test_half_floor(test_half, form):
    bench, pairs = test_half
    # with e5: the paraphrase rule (issue 12d) needs it, and the benchmark has rewrites only it accepts
    result = bench.score(pairs, bench.make_check(lexical_only=False), form)
    assert result["pairs"] >= 1000
    # issue 12e measured this very third (`python -m eval.benchmarks.checker_train --every 3 --test-rows ...`):
    # accuracy 0.977 / 0.979 (text + title / bare), rewrites 0.968, worst kind passed 0.055 / 0.036
    assert result["accuracy"] >= 0.97, result["by_kind"]
    assert result["rewrites_supported"] >= 0.96, result["by_kind"]
    assert result["worst_fabrication_passed"] <= 0.08, result["by_kind"]  # ~60 pairs a kind in this third
