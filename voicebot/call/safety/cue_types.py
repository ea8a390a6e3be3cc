"""The shapes of the safety classifier's cue tables (the tables themselves are in cues.py)."""

from __future__ import annotations

from dataclasses import dataclass

from voicebot.call.safety.verdict import Kind


@dataclass(frozen=True, slots=True)
class Span:
    """A consuming cue: a mask (kind None, ``hazard`` False) or a hazard of a kind."""

    pattern: str
    """A regular expression over the normalised text."""
    weight: int
    """Hazard strength (1-3), or for a mask how much it defuses (0: only hides the words)."""
    kind: Kind | None = None
    """The hazard's kind (None: a mask, or a bare cry for help such as 救命)."""
    hazard: bool = False
    """True for a hazard, False for a mask."""
    firm: bool = False
    """For a mask: its defusing counts in full even against harm happening (没人受伤 / nobody is hurt)."""


@dataclass(frozen=True, slots=True)
class Signal:
    """A non-consuming cue: urgency (positive weight) or complaint framing (negative weight)."""

    pattern: str
    """A regular expression over the text the spans left."""
    weight: int
    """Added to the score (urgency) or subtracted (negative: defusing)."""
    firm: bool = False
    """For defusing: it says the harm is not happening now (past, habitual, hypothetical), so it counts in full
    even against harm happening; other complaint framing (投诉 吵 堵, complain, blocked) counts at most
    ``scoring.TOPIC_AGAINST_HARM`` against it."""


@dataclass(frozen=True, slots=True)
class CueTable:
    """All cues of one language."""

    spans: tuple[Span, ...]
    """Masks and hazards, in matching order."""
    signals: tuple[Signal, ...]
    """Urgency and complaint framing."""
    filler: str
    """Leading filler words of an answer (嗯 呃 就是 / um well)."""
    no: str
    """An answer that says nobody is in danger (matched at the start of the answer, after fillers)."""
    no_anywhere: str
    """Words that say so anywhere in the answer (都没事 / everyone is fine)."""
    yes: str
    """An answer that says someone is in danger (matched at the start, after fillers)."""
    danger: str
    """Words anywhere in an answer that say someone is in danger (还在屋里 / still inside, dizzy)."""
    courtesy: str
    """What is left of an answer that carries no content of its own (谢谢 / thanks)."""
    window: int
    """How near (characters of the normalised text) past, habitual or hypothetical framing must be to a hazard to
    defuse it (about a clause)."""
    clause: str
    """Words that start a new clause: framing does not defuse a hazard across them ("... an hour ago and they never
    came and the man is still trying to break in")."""


def mask(pattern: str, defuse: int = 0, firm: bool = False) -> Span:
    """A mask: hides ``pattern`` from the hazard cues; ``defuse`` counts against an emergency (``firm``: in full)."""
    return Span(pattern, defuse, firm=firm)


def hazard(kind: Kind | None, weight: int, pattern: str) -> Span:
    """A hazard of ``kind`` with strength ``weight`` (1-3)."""
    return Span(pattern, weight, kind, True)
