#!/usr/bin/env bash
# Sets up (project, test tools, Debian's chromium: a failed install fails), checks the seeds, the old held-out
# seeds and the checker's held-out pairs against their committed baselines (any newly broken question fails),
# and runs the whole test suite (under CI=true a missing dependency fails instead of skipping).
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

# The gate: any question (or checker pair) that passed in its baseline and fails now fails CI, even when
# another one was fixed; a baseline accepts a break only when updated in the same commit with --reason
# (eval/README.md, "The CI gate").
export RAG_CACHE_DIR="$scratch/check-cache"
.venv/bin/rag index build --source seeds --index index/seeds-check --quiet
for set in seeds seeds_heldout; do
  echo "==> regression check: eval/$set.jsonl against eval/baselines/$set.json"
  .venv/bin/rag eval "eval/$set.jsonl" --index index/seeds-check --compare "eval/baselines/$set.json" \
    --no-report --quiet --out-dir eval/runs/ci
done
echo "==> regression check: eval/checker_pairs_heldout.jsonl against eval/baselines/checker_pairs_heldout.json"
.venv/bin/rag check --pairs eval/checker_pairs_heldout.jsonl --index index/seeds-check \
  --compare eval/baselines/checker_pairs_heldout.json
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
