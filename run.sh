#!/usr/bin/env bash
# The main job: set up, index the seed articles (seeds/ -> index/default) if needed, open the chat UI.
# Extra arguments go to `rag serve` (e.g. --port 7861, --llm openai:gpt-4o-mini --base-url ...).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
export HF_HUB_OFFLINE=1
if ! .venv/bin/rag index verify --index index/default >/dev/null 2>&1; then
  echo "==> indexing seeds/ into index/default"
  .venv/bin/rag index build --source seeds --index index/default
fi
echo "==> starting the chat UI (http://127.0.0.1:7860 unless --port/--host say otherwise; Ctrl+C to stop)"
exec .venv/bin/rag serve --index index/default "$@"
