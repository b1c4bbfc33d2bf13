#!/usr/bin/env bash
# Makes sure Debian's chromium is installed (the browser tests drive it), installing it as root; fails loudly
# otherwise, so CI cannot go green with the browser tests skipped. Called by scripts/setup.sh test.
set -euo pipefail
# The browser tests need Debian's chromium: a failed install stops here (CI must not go green without them).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "error: chromium is missing and this is not root: run 'sudo apt-get install chromium' and retry" >&2
    exit 1
  fi
  echo "==> installing Debian's chromium for the browser test"
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null); then
    echo "error: could not install chromium (apt-get failed); the browser tests need it" >&2
    exit 1
  fi
fi
command -v chromium >/dev/null 2>&1 || { echo "error: chromium is still missing after the install" >&2; exit 1; }
echo "==> chromium: $(command -v chromium)"
