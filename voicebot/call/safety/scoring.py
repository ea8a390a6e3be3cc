"""The safety classifier: a small pure scoring function over the cue tables in cues.py.

Meaning, not single words: a hazard concept (fire, gas, someone hurt, a crime) counts only after masks took out
the words that are no hazard (消防通道, fire exit, gas bill, 油烟, police station); then signs that it is
happening now and to someone add, complaint framing (投诉 每天 上次 吵 堵, every night, last week, siren) subtracts:

    score = strongest hazard (1-3, less the time framing near it) + 1 if several + urgency (at most 3) - framing

Framing that says the harm is not happening now (past, habitual, hypothetical: 上次 每天 万一, last year, every
night, if) takes off the hazards within the table's ``window`` characters (the same clause, roughly: "I called
the police an hour ago ... the man is still trying to break in" is an emergency); "nobody is hurt" takes off
every hazard; other complaint framing counts against the whole utterance, but not against harm happening
(a strength-3 hazard: TOPIC_AGAINST_HARM).

No hazard: ``none``. Otherwise score >= 3: ``emergency``; 1-2: ``unsure`` (ask); below 1: ``none``.
The kind is gas whenever gas is among the hazards (a gas leak with people dizzy is a gas emergency: get out,
no switches), else the strongest hazard's kind, ties in the order fire, police, medical.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from voicebot.call.safety.cue_types import CueTable
from voicebot.call.safety.cues import TABLES
from voicebot.call.safety.verdict import KINDS, NO_DANGER, Kind, SafetyVerdict

EMERGENCY_SCORE = 3
"""The score from which an utterance is an emergency."""
UNSURE_SCORE = 1
"""The score from which a hazard is worth the question "is anyone in danger?"."""
MAX_URGENCY = 3
"""Urgency cues add at most this much (shouting 快快快 does not outweigh 每天 and 投诉)."""
TOPIC_AGAINST_HARM = 0
"""Against harm happening (a strength-3 hazard), complaint framing that is not about time (投诉 吵 堵, complain,
blocked) counts at most this much: "本来想投诉漏水 现在楼上冒烟了", "我被困在电梯里半个小时了 没人管" are
emergencies. Past, habitual and hypothetical framing (上次 每天 万一, last year, every night, if) counts in full."""

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
    start: int
    """Where it starts in the normalised text."""
    end: int
    """Where it ends."""


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
    tally = _Tally(clauses=[m.start() for m in re.finditer(table.clause, normal)])
    rest = _spans(normal, table, tally)
    if not tally.found:
        return NO_DANGER
    for signal in table.signals:
        for match in re.finditer(signal.pattern, rest):
            tally.add(match.group(0), signal.weight, match.start(), match.end() if signal.firm else None)
    strength = [(f, f.weight - tally.near(f, table.window)) for f in tally.found]
    live = [f for f, left in strength if left >= 1]
    if not live:  # every hazard is past, habitual, hypothetical or denied
        return SafetyVerdict("none", None, tuple(tally.cues))
    strongest = max(left for _, left in strength)
    topic = min(tally.topic, TOPIC_AGAINST_HARM) if strongest >= 3 else tally.topic
    score = strongest + (1 if len(live) > 1 else 0) + min(tally.urgency, MAX_URGENCY) - topic
    cues = tuple(tally.cues)
    if score >= EMERGENCY_SCORE:
        return SafetyVerdict("emergency", _kind(live), cues)
    if score >= UNSURE_SCORE:
        return SafetyVerdict("unsure", _kind(live), cues)
    return SafetyVerdict("none", None, cues)


@dataclass(slots=True)
class _Tally:
    """What one utterance's cues add up to (local to one ``classify`` call)."""

    found: list[Found] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    urgency: int = 0
    topic: int = 0
    """Complaint framing that is not about time (投诉 吵 堵, complain, blocked)."""
    timed: list[tuple[int, int, int]] = field(default_factory=list)
    """Past, habitual and hypothetical framing: (start, end, weight), it defuses the hazards near it."""
    negated: int = 0
    """Said not to be dangerous (没人受伤, nobody is hurt): defuses every hazard."""
    clauses: list[int] = field(default_factory=list)
    """Where new clauses start (framing does not reach across them)."""

    def add(self, cue: str, weight: int, start: int, end: int | None) -> None:
        """Count a signal: urgency (positive weight), or defusing (negative); ``end`` given: it is about time."""
        self.cues.append(cue)
        if weight > 0:
            self.urgency += weight
        elif end is not None:
            self.timed.append((start, end, -weight))
        else:
            self.topic -= weight

    def near(self, hazard: Found, window: int) -> int:
        """Return how much the framing about time near ``hazard`` (same clause) and any denial of danger take off."""
        taken = self.negated
        for start, end, weight in self.timed:
            left, right = min(end, hazard.end), max(start, hazard.start)
            if right - left <= window and not any(left <= at < right for at in self.clauses):
                taken += weight
        return taken


def _spans(text: str, table: CueTable, tally: _Tally) -> str:
    """Match masks and hazards in order, each hiding what it matched (same length, so places stay); return the rest.

    A hazard leaves ``_`` in its place (English), so a signal can still see that something was there ("if one _").
    """
    english = script(text) == "en"
    for span in table.spans:
        for match in re.finditer(span.pattern, text):
            words = match.group(0)
            if not words.strip("_ |"):
                continue
            if span.hazard:
                tally.found.append(Found(span.kind, span.weight, words, match.start(), match.end()))
                tally.cues.append(words)
            elif span.firm:
                tally.cues.append(words)
                tally.negated += span.weight
            else:
                tally.add(words, -span.weight, match.start(), None)
        blank = ("_" if span.hazard else " ") if english else "|"
        text = _hide(text, span.pattern, blank)
    return text


def _hide(text: str, pattern: str, blank: str) -> str:
    """Return ``text`` with every match of ``pattern`` replaced by as many ``blank`` characters."""
    parts: list[str] = []
    last = 0
    for match in re.finditer(pattern, text):
        parts += [text[last : match.start()], blank * (match.end() - match.start())]
        last = match.end()
    return "".join(parts) + text[last:]


def _kind(found: list[Found]) -> Kind | None:
    kinds = [f for f in found if f.kind is not None]
    if not kinds:
        return None
    if any(f.kind == "gas" for f in kinds):
        return "gas"
    best = max(f.weight for f in kinds)
    return next(kind for kind in KINDS if any(f.kind == kind and f.weight == best for f in kinds))
