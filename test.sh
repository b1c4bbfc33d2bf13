#!/usr/bin/env bash
# Sets up (project, test tools, Debian's chromium: a failed install fails), checks the seeds, the old held-out
# seeds and the checker's held-out pairs against their committed baselines, and runs the whole suite with CI=true
# semantics when CI is set (a missing dependency fails instead of skipping).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
export HF_HUB_OFFLINE=1
# The gate: any question (or checker pair) that passed in its baseline and fails now fails CI, even when
# another one was fixed; a baseline accepts a break only when updated in the same commit with --reason
# (eval/README.md, "The CI gate").
.venv/bin/rag index build --source seeds --index index/seeds-check --quiet
for set in seeds seeds_heldout; do
  echo "==> regression check: eval/$set.jsonl against eval/baselines/$set.json"
  .venv/bin/rag eval "eval/$set.jsonl" --index index/seeds-check --compare "eval/baselines/$set.json" \
    --no-report --quiet --out-dir eval/runs/ci
done
echo "==> regression check: eval/checker_pairs_heldout.jsonl against eval/baselines/checker_pairs_heldout.json"
.venv/bin/rag check --pairs eval/checker_pairs_heldout.jsonl --index index/seeds-check \
  --compare eval/baselines/checker_pairs_heldout.json
echo "==> tests"
exec .venv/bin/python -m pytest -q "$@"
