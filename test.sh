#!/usr/bin/env bash
# Sets up (project, test tools, Debian's chromium) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest -q "$@"
