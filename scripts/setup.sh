#!/usr/bin/env bash
# Creates .venv and installs the project (CPU torch first, so pip never pulls a CUDA build).
# Usage: scripts/setup.sh [test]   -- "test" adds the test tools and Debian's chromium for browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
PIP=".venv/bin/pip --disable-pip-version-check -q"
echo "==> installing torch 2.13.0 (CPU)"
$PIP install "torch==2.13.0"
if [ "${1:-}" = "test" ]; then
  echo "==> installing the project with test tools"
  $PIP install -e ".[test]"
  scripts/need_chromium.sh
else
  echo "==> installing the project"
  $PIP install -e .
fi
