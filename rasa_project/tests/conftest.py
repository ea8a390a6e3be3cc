"""Make the ``actions`` package importable (tests run with rasa_project/.venv from any directory)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
