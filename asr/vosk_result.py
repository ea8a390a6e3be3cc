"""One vosk result's words with their times on the recogniser's own timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with times on the recogniser's own timeline."""

    text: str
    """The word."""
    start_s: float
    """Start in seconds of audio fed to this recogniser."""
    end_s: float
    """End in seconds of audio fed to this recogniser."""
    conf: float
    """Word confidence in [0, 1]."""


def words_of(result: dict[str, Any]) -> list[Word]:
    """Return the words of one vosk result (``SetWords(True)``)."""
    return [
        Word(str(w.get("word", "")), float(w.get("start", 0.0)), float(w.get("end", 0.0)), float(w.get("conf", 1.0)))
        for w in result.get("result", [])
    ]
