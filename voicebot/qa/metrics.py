"""Recognition error rates against reference texts: WER for English, CER for Mandarin."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_PUNCT = re.compile(r"[^\w\s']|_", re.UNICODE)


@dataclass(frozen=True, slots=True)
class ErrorCount:
    """Edit distance between what was heard and the reference, in words (en) or characters (zh)."""

    metric: str
    """``wer`` or ``cer``."""
    errors: int
    """Substitutions + deletions + insertions."""
    length: int
    """Reference length (words or characters)."""

    @property
    def rate(self) -> float:
        """Return errors per reference unit (0.0 for an empty reference with no insertions)."""
        if self.length == 0:
            return 0.0 if self.errors == 0 else 1.0
        return self.errors / self.length

    def __add__(self, other: ErrorCount) -> ErrorCount:
        return ErrorCount(self.metric, self.errors + other.errors, self.length + other.length)


def metric_for(lang: str) -> str:
    """Return ``cer`` for Mandarin and ``wer`` otherwise."""
    return "cer" if lang.startswith("zh") else "wer"


def tokens(text: str, lang: str) -> list[str]:
    """Return the units compared: characters for Mandarin (spaces dropped), lower-case words otherwise."""
    cleaned = _PUNCT.sub(" ", unicodedata.normalize("NFKC", text)).lower()
    if metric_for(lang) == "cer":
        return [ch for ch in cleaned if not ch.isspace()]
    return cleaned.replace("'", "").split()


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Return the Levenshtein distance between two token sequences."""
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i]
        for j, h in enumerate(hyp, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


def error_count(reference: str, heard: str, lang: str) -> ErrorCount:
    """Return the WER/CER edit count of ``heard`` against ``reference``."""
    ref, hyp = tokens(reference, lang), tokens(heard, lang)
    return ErrorCount(metric_for(lang), edit_distance(ref, hyp), len(ref))
