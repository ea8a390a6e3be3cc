"""Keyword matching for descriptions and places: Chinese by substring, English by whole words, any case."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


def _is_latin(word: str) -> bool:
    return all(ord(ch) < 0x2E80 for ch in word)


@lru_cache(maxsize=4096)
def _pattern(word: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in word.split()]
    return re.compile(r"(?<![A-Za-z0-9])" + r"[\s\-]+".join(parts) + r"(?![A-Za-z0-9])", re.IGNORECASE)


def contains(text: str, word: str) -> bool:
    """Return whether ``word`` occurs in ``text`` (Latin words only as whole words, case-insensitive)."""
    if not word:
        return False
    if _is_latin(word):
        return _pattern(word).search(text) is not None
    return word in text


def found(text: str, words: Iterable[str]) -> tuple[str, ...]:
    """Return the ``words`` that occur in ``text``, in their given order."""
    return tuple(w for w in words if contains(text, w))
