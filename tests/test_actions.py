"""Run the custom-action tests (rasa_project/tests) in the Rasa venv (Python 3.10) as part of the main suite."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

RASA_DIR = Path(__file__).resolve().parents[1] / "rasa_project"
PYTHON = RASA_DIR / ".venv" / "bin" / "python"


@pytest.mark.real
def test_custom_actions() -> None:
    assert PYTHON.is_file(), "Rasa venv missing: run rasa_project/setup.sh"
    result = subprocess.run(
        [str(PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=RASA_DIR, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
