"""Keyword matching for descriptions and places: Chinese by substring, English by whole words, any case."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SPACES = re.compile(r"[\s\-]+")
_CJK = re.compile("[\u2e80-\U0002ffff]")


def _is_latin(word: str) -> bool:
    return word.isascii() or _CJK.search(word) is None


def _fold(text: str) -> str:
    """Return ``text`` lower-cased, runs of spaces and hyphens as one space (``Sub-district`` ~ ``sub district``)."""
    return _SPACES.sub(" ", text.lower())


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _whole_word_in(folded_text: str, folded_word: str) -> bool:
    start = folded_text.find(folded_word)
    while start >= 0:
        end = start + len(folded_word)
        before = folded_text[start - 1] if start else " "
        after = folded_text[end] if end < len(folded_text) else " "
        if not _is_word_char(before) and not _is_word_char(after):
            return True
        start = folded_text.find(folded_word, start + 1)
    return False


class Haystack:
    """A text prepared once for many look-ups."""

    def __init__(self, text: str) -> None:
        self.text = text
        """The text as given."""
        self.folded = _fold(text)
        """Lower-cased, spaces and hyphens folded."""

    def has(self, word: str) -> bool:
        """Return whether ``word`` occurs (Latin words only as whole words, case-insensitive)."""
        if not word:
            return False
        if _is_latin(word):
            return _whole_word_in(self.folded, _fold(word).strip())
        return word in self.text

    def find(self, word: str) -> int:
        """Return where ``word`` first occurs (any case), or -1 if it does not occur as ``has`` means it."""
        return self.folded.find(_fold(word).strip()) if self.has(word) else -1


def contains(text: str, word: str) -> bool:
    """Return whether ``word`` occurs in ``text`` (Latin words only as whole words, case-insensitive)."""
    return Haystack(text).has(word)


def found(text: str, words: Iterable[str]) -> tuple[str, ...]:
    """Return the ``words`` that occur in ``text``, in their given order."""
    hay = Haystack(text)
    return tuple(w for w in words if hay.has(w))
