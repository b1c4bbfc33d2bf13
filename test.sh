#!/usr/bin/env bash
# Sets up (project, test tools, Debian's chromium), checks the seeds question set against the committed
# baseline (a drop beyond tolerance fails), and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
export HF_HUB_OFFLINE=1
echo "==> regression check: eval/seeds.jsonl against eval/baselines/seeds.json"
.venv/bin/rag index build --source seeds --index index/seeds-check --quiet
.venv/bin/rag eval eval/seeds.jsonl --index index/seeds-check --compare eval/baselines/seeds.json \
  --no-report --quiet --out-dir eval/runs/ci
echo "==> tests"
exec .venv/bin/python -m pytest -q "$@"
