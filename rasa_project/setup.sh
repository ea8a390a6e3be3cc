#!/usr/bin/env bash
# Create rasa_project/.venv (Python 3.10) from requirements.lock in ONE pip call, then train the models if needed.
# Idempotent and non-interactive: the venv is rebuilt only when the lock's hash changes, models only when inputs change.
# Usage: rasa_project/setup.sh [--no-train]
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false PIP_DISABLE_PIP_VERSION_CHECK=1
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
LOCK="$HERE/requirements.lock"
STAMP="$VENV/.lock-sha256"

find_python() {
    local root
    if command -v pyenv >/dev/null 2>&1; then
        root="$(pyenv root)"
        if [ -x "$root/versions/3.10.13/bin/python" ]; then echo "$root/versions/3.10.13/bin/python"; return; fi
    fi
    if [ -x "$HOME/.pyenv/versions/3.10.13/bin/python" ]; then echo "$HOME/.pyenv/versions/3.10.13/bin/python"; return; fi
    if command -v python3.10 >/dev/null 2>&1; then command -v python3.10; return; fi
    echo "rasa setup: Python 3.10 not found (install pyenv 3.10.13 or python3.10)" >&2
    exit 1
}

want="$(sha256sum "$LOCK" | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$VENV/bin/rasa" ]; then
    echo "rasa setup: $VENV is up to date"
else
    PY="$(find_python)"
    echo "rasa setup: creating $VENV with $PY"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --no-deps -r "$LOCK"
    "$VENV/bin/pip" check
    echo "$want" > "$STAMP"
fi

if [ "${1:-}" != "--no-train" ]; then
    "$HERE/train.sh"
fi
