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
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      echo "==> installing Debian's chromium for the browser test"
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null) \
        || echo "warning: could not install chromium; the browser test will be skipped"
    else
      echo "warning: chromium is missing and this is not root; the browser test will be skipped"
    fi
  fi
else
  echo "==> installing the project"
  $PIP install -e .
fi
