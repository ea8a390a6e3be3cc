"""Where a cut utterance resumes: the start of the sentence that was playing when the caller barged in.

The speaker plays a whole utterance as one clip, so it knows how much of the clip played, not which sentence that
was. Sentence times are estimated from the text: each sentence takes a share of the clip's length in proportion to
its spoken characters (TTS speaks Mandarin at a near-even rate per character). To never skip words the estimate
misplaces, the cut point is moved back by ``margin_ms`` before looking up its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogue.base import BotTurn

SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=[.](?=\s))")
"""Sentences end after these marks (a full stop only when a space follows: "12.5" stays whole)."""
RESUME_MARGIN_MS = 300
"""How far before the cut point the sentence is looked up."""


def sentences(text: str) -> list[str]:
    """Split ``text`` into its sentences (marks kept with their sentence; blank pieces dropped)."""
    return [piece for piece in SENTENCE_END.split(text) if piece.strip()]


def _weight(sentence: str) -> int:
    return max(1, sum(1 for ch in sentence if ch.isalnum()))


def resume_text(text: str, played_ms: int, total_ms: int, margin_ms: int = RESUME_MARGIN_MS) -> str:
    """Return ``text`` from the start of the sentence playing at ``played_ms`` of a ``total_ms`` clip."""
    parts = sentences(text)
    if not parts or total_ms <= 0:
        return text.strip()
    weights = [_weight(part) for part in parts]
    at = max(0, played_ms - margin_ms) / total_ms * sum(weights)
    start = 0.0
    for index, weight in enumerate(weights):
        if at < start + weight:
            return "".join(parts[index:]).strip()
        start += weight
    return parts[-1].strip()


@dataclass(frozen=True, slots=True)
class Cut:
    """What a barge-in cut short, kept until the caller's next input says whether it was a real turn."""

    rest: tuple[tuple[str, bool], ...]
    """``(text, interruptible)`` still to say: the cut sentence onwards, then the turn's later utterances."""
    turn: BotTurn | None = None
    """The dialogue turn whose directives still have to run after them (None for the bot's own prompts)."""
