"""Where the checkout is, and paths in settings read relative to it."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout (where ``rasa_project/`` and ``audio_fixtures/`` live)."""


def project_path(value: str) -> Path:
    """Resolve a settings path: ``~`` expanded, relative paths under the project root."""
    p = Path(value).expanduser()
    return p if p.is_absolute() else PROJECT_ROOT / p
