"""The safety classifier: a small pure scoring function over the cue tables in cues.py.

Meaning, not single words: a hazard concept (fire, gas, someone hurt, a crime) counts only after masks took out
the words that are no hazard (消防通道, fire exit, gas bill, 油烟, police station); then signs that it is
happening now and to someone add, complaint framing (投诉 每天 上次 吵 堵, every night, last week, siren) subtracts:

    score = strongest hazard (1-3) + 1 if several hazards + urgency (at most 3) - defusing

No hazard: ``none``. Otherwise score >= 3: ``emergency``; 1-2: ``unsure`` (ask); below 1: ``none``.
The kind is gas whenever gas is among the hazards (a gas leak with people dizzy is a gas emergency: get out,
no switches), else the strongest hazard's kind, ties in the order fire, police, medical.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from voicebot.safety.cues import TABLES, CueTable
from voicebot.safety.verdict import KINDS, NO_DANGER, Kind, SafetyVerdict

EMERGENCY_SCORE = 3
"""The score from which an utterance is an emergency."""
UNSURE_SCORE = 1
"""The score from which a hazard is worth the question "is anyone in danger?"."""
MAX_URGENCY = 3
"""Urgency cues add at most this much (shouting 快快快 does not outweigh 每天 and 投诉)."""

_HANZI = re.compile(r"[\u3400-\u9fff]")
_NOT_WORD_ZH = re.compile(r"[\s\W_]+")
_NOT_WORD_EN = re.compile(r"[^a-z0-9' ]+")
_CONTRACTIONS = (
    (re.compile(r"\bcan'?t\b|\bcan not\b"), "cannot"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\b(is|are|was|were|do|does|did|has|have|had|could|would|should)n'?t\b"), r"\1 not"),
    (re.compile(r"\b(\w+)'s\b"), r"\1 is"),
    (re.compile(r"\b(\w+)'re\b"), r"\1 are"),
    (re.compile(r"\bi'?m\b"), "i am"),
    (re.compile(r"\b(\w+)'ve\b"), r"\1 have"),
    (re.compile(r"\b(\w+)'ll\b"), r"\1 will"),
    (re.compile(r"\b(\w+)'d\b"), r"\1 would"),
)


@dataclass(frozen=True, slots=True)
class Found:
    """One matched hazard."""

    kind: Kind | None
    """Its kind (None: a bare cry for help)."""
    weight: int
    """Its strength, 1-3."""
    text: str
    """The words matched."""


def script(text: str) -> str:
    """Return ``zh`` when the text has Hanzi, else ``en`` (the key of its cue table)."""
    return "zh" if _HANZI.search(text) else "en"


def normalise(text: str) -> str:
    """Return ``text`` as the cue tables expect it (ASR spaces between Hanzi and punctuation gone, lower case)."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    if script(text) == "zh":
        return _NOT_WORD_ZH.sub("", text)
    text = _NOT_WORD_EN.sub(" ", text)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return " ".join(text.replace("'", " ").split())


def classify(text: str) -> SafetyVerdict:
    """Return the safety verdict on one caller utterance (any language the cue tables know)."""
    normal = normalise(text)
    table = TABLES[script(normal)]
    found, defused, rest, cues = _spans(normal, table)
    if not found:
        return NO_DANGER
    urgency = 0
    for signal in table.signals:
        for match in re.finditer(signal.pattern, rest):
            cues.append(match.group(0))
            if signal.weight > 0:
                urgency += signal.weight
            else:
                defused -= signal.weight
    strongest = max(f.weight for f in found)
    score = strongest + (1 if len(found) > 1 else 0) + min(urgency, MAX_URGENCY) - defused
    if score >= EMERGENCY_SCORE:
        return SafetyVerdict("emergency", _kind(found), tuple(cues))
    if score >= UNSURE_SCORE:
        return SafetyVerdict("unsure", _kind(found), tuple(cues))
    return SafetyVerdict("none", None, tuple(cues))


def _spans(text: str, table: CueTable) -> tuple[list[Found], int, str, list[str]]:
    """Match masks and hazards in order, each hiding what it matched; return hazards, defusing, the rest, cues."""
    found: list[Found] = []
    cues: list[str] = []
    defused = 0
    blank = " " if script(text) == "en" else "|"
    for span in table.spans:
        for match in re.finditer(span.pattern, text):
            if not match.group(0).strip():
                continue
            cues.append(match.group(0))
            if span.hazard:
                found.append(Found(span.kind, span.weight, match.group(0)))
            else:
                defused += span.weight
        text = re.sub(span.pattern, blank, text)
    return found, defused, text, cues


def _kind(found: list[Found]) -> Kind | None:
    kinds = [f for f in found if f.kind is not None]
    if not kinds:
        return None
    if any(f.kind == "gas" for f in kinds):
        return "gas"
    best = max(f.weight for f in kinds)
    return next(kind for kind in KINDS if any(f.kind == kind and f.weight == best for f in kinds))
