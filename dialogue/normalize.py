"""Text normalisation before NLU: make ASR output look like the assistant's training data.

vosk writes Mandarin with spaces between words ("我 要 投诉 噪音"); the training data has none, so spaces
between Hanzi (and between Hanzi and digits) are removed. Full-width and ASCII punctuation is dropped,
Latin letters are lower-cased and runs of whitespace collapse to one space. Intent triggers sent by the
bot itself (``/silence``) pass through unchanged.
"""

from __future__ import annotations

import re
import unicodedata

_HANZI = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_HANZI = re.compile(rf"(?<=[{_HANZI}])\s+(?=[{_HANZI}])")
_SPACE_HANZI_DIGIT = re.compile(rf"(?<=[{_HANZI}])\s+(?=\d)|(?<=\d)\s+(?=[{_HANZI}])")
_PUNCTUATION = re.compile(r"[，。！？、；：“”‘’（）《》【】…—,.!?;:\"()\[\]<>~`]+")


def normalize(text: str) -> str:
    """Return ``text`` normalised for the NLU models (see module docstring)."""
    stripped = text.strip()
    if stripped.startswith("/"):
        return stripped
    folded = unicodedata.normalize("NFKC", stripped)
    no_punct = _PUNCTUATION.sub(" ", folded)
    collapsed = re.sub(r"\s+", " ", no_punct).strip()
    joined = _SPACE_BETWEEN_HANZI.sub("", collapsed)
    joined = _SPACE_HANZI_DIGIT.sub("", joined)
    return joined.lower()
