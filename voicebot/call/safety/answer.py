"""Reading the caller's answer to the bot's own question "is anyone in danger right now?"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from voicebot.call.safety.cues import TABLES
from voicebot.call.safety.scoring import classify, normalise, script
from voicebot.call.safety.verdict import SafetyVerdict


@dataclass(frozen=True, slots=True)
class Answer:
    """What the answer says."""

    danger: bool
    """True when the caller says someone is in danger (yes, or the answer itself is an emergency)."""
    verdict: SafetyVerdict
    """The classifier's verdict on the answer itself (its kind may name the danger: "有 人晕倒了")."""
    rest: str
    """What the answer says beyond yes/no, for the dialogue engine ("" when nothing: "没有", "no thanks")."""


def read_answer(text: str) -> Answer:
    """Read an answer to "is anyone in danger?": yes, danger words, a hazard or an emergency -> danger; else not.

    Meaningless sounds ("呃啊啊", "hmm hmm") are never a yes.
    """
    verdict = classify(text)
    normal = normalise(text)
    table = TABLES[script(normal)]
    said = re.sub(table.filler, "", normal).strip()
    if verdict.level == "emergency":
        return Answer(True, verdict, "")
    no = re.match(table.no, said)
    denied = no is not None or re.search(table.no_anywhere, said) is not None
    if not denied and _says_danger(said, verdict, table.yes, table.danger):
        return Answer(True, verdict, "")
    if no is not None:
        said = re.sub(table.filler, "", said[no.end() :].strip()).strip()
    content = re.sub(table.filler, "", " ".join(re.sub(table.no_anywhere, " ", said).split())).strip()
    if not content or re.fullmatch(table.courtesy, content):
        return Answer(False, verdict, "")
    return Answer(False, verdict, _original_words(text, said))


def _says_danger(said: str, verdict: SafetyVerdict, yes: str, danger: str) -> bool:
    """A yes, words of danger, or a hazard described again (the answer to "is anyone in danger?")."""
    return bool(re.match(yes, said) or re.search(danger, said)) or verdict.level == "unsure"


def _original_words(text: str, rest: str) -> str:
    """Return the caller's own words that ``rest`` (their normalised tail) stands for, spacing and case kept."""
    words = text.split()
    for start in range(len(words)):
        tail = " ".join(words[start:])
        if normalise(tail) == rest:
            return tail
    return rest
