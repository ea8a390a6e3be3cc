"""What the safety pre-check decides about one caller utterance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["emergency", "unsure", "none"]
"""``emergency``: give the number at once; ``unsure``: ask "is anyone in danger?"; ``none``: an ordinary turn."""

Kind = Literal["fire", "gas", "medical", "police"]
"""Which emergency service fits: fire and gas 119, medical 120, police 110."""

KINDS: tuple[Kind, ...] = ("gas", "fire", "police", "medical")
"""Kinds in the order that wins a tie (a gas leak makes any symptom a gas emergency: get out first)."""


@dataclass(frozen=True, slots=True)
class SafetyVerdict:
    """The verdict on one utterance."""

    level: Level
    """``emergency``, ``unsure`` or ``none``."""
    kind: Kind | None = None
    """The hazard's kind (emergency and unsure; None when no hazard, or a bare cry for help)."""
    cues: tuple[str, ...] = ()
    """The cue texts that decided it, in the order found (for logs and tests; caller words, so mask in logs)."""


NO_DANGER = SafetyVerdict("none")
"""The verdict for an utterance without any hazard."""
