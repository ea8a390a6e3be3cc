#!/usr/bin/env bash
# Train the zh-CN and en-US models (cached by fingerprint: retrains only when inputs change).
# Usage: rasa_project/train.sh [LANG...] [--force]
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$HERE/.venv/bin/python" "$HERE/scripts/train.py" "$@"
