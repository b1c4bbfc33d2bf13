#!/usr/bin/env bash
# Sets up (project, test tools, Debian's chromium), checks the seeds question set against the committed
# baseline (a drop beyond tolerance fails), and runs the whole test suite.
#
# Both run as on a lived-in machine: HOME is a scratch home whose ~/.cache/vn-news-rag holds a large (20+ MB),
# healthy embedding cache, and the command fails if that home is not byte-for-byte the same afterwards
# (the tests get their own home and caches from tests/conftest.py; the regression check its own cache).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
export HF_HUB_OFFLINE=1
scratch=$(mktemp -d "${TMPDIR:-/tmp}/rag-test-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
lived_in="$scratch/home"
mkdir -p "$lived_in"
echo "==> a lived-in home: $(.venv/bin/python tests/home_guard.py seed "$lived_in")"
before=$(.venv/bin/python tests/home_guard.py digest "$lived_in")
export HOME="$lived_in"

echo "==> regression check: eval/seeds.jsonl against eval/baselines/seeds.json"
export RAG_CACHE_DIR="$scratch/check-cache"
.venv/bin/rag index build --source seeds --index index/seeds-check --quiet
.venv/bin/rag eval eval/seeds.jsonl --index index/seeds-check --compare eval/baselines/seeds.json \
  --no-report --quiet --out-dir eval/runs/ci
unset RAG_CACHE_DIR  # the tests must find their own: tests/conftest.py

echo "==> tests"
status=0
.venv/bin/python -m pytest -q "$@" || status=$?
if [ "$(.venv/bin/python tests/home_guard.py digest "$lived_in")" != "$before" ]; then
  echo "error: the test command changed $lived_in (a user's home): tests must use their own caches" >&2
  find "$lived_in" -type f -printf '%p %s bytes, modified %t\n' >&2 || true
  exit 1
fi
echo "==> $lived_in is unchanged"
exit $status
