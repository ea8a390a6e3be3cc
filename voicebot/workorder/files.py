"""Reading operator files: YAML into plain data, with errors that name the file and the entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from voicebot.workorder.errors import WorkOrderFileError

DATA_DIR = Path(__file__).resolve().parent / "data"
"""The sample operator files shipped with the package."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value came from, for error messages (``taxonomy.yaml: categories.noise.zh``)."""

    path: Path
    """The operator file."""
    entry: str = ""
    """Dotted path of the entry inside it (empty: the whole file)."""

    def at(self, key: object) -> Source:
        """Return the source of a nested entry."""
        return Source(self.path, f"{self.entry}.{key}" if self.entry else str(key))

    def fail(self, message: str, code: str = "workorder-entry-invalid") -> WorkOrderFileError:
        """Return an error naming this file and entry."""
        where = f"{self.path}: {self.entry}" if self.entry else str(self.path)
        return WorkOrderFileError(code, f"{where}: {message}")


def read_yaml(path: Path) -> tuple[Mapping[str, Any], Source]:
    """Parse an operator file whose top level is a mapping."""
    src = Source(path)
    if not path.is_file():
        raise src.fail("file does not exist", "workorder-file-missing")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise src.fail(f"cannot read: {err}", "workorder-file-unreadable") from err
    if not isinstance(data, Mapping):
        raise src.fail("the top level must be a mapping", "workorder-file-unreadable")
    return data, src


def mapping(value: Any, src: Source, *, required: bool = True) -> Mapping[str, Any]:
    """Return ``value`` as a mapping (``{}`` if absent and not required)."""
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        raise src.fail(f"must be a mapping, not {type(value).__name__}")
    return value


def text(value: Any, src: Source, *, required: bool = True) -> str:
    """Return a non-empty string (``""`` if absent and not required)."""
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise src.fail("must be a non-empty string")
    return value.strip()


def words(value: Any, src: Source) -> tuple[str, ...]:
    """Return a list of non-empty strings (absent: empty)."""
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list):
        raise src.fail("must be a list of strings")
    return tuple(text(v, src.at(i)) for i, v in enumerate(value))


def integer(value: Any, src: Source, low: int, high: int) -> int:
    """Return an integer within ``low..high``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise src.fail(f"must be a whole number from {low} to {high}")
    return value


def known_keys(data: Mapping[str, Any], src: Source, allowed: set[str]) -> None:
    """Refuse keys the format does not define (a typo would otherwise be ignored silently)."""
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise src.fail(f"unknown keys {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")


def sample(name: str) -> Path:
    """Return the path of a shipped sample file."""
    return DATA_DIR / name
