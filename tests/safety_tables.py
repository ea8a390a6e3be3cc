"""The safety classifier's sentence tables (tests/data/safety_*.yaml) and how well it does on them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from voicebot.call.safety import SafetyVerdict, classify

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class Row:
    """One sentence and the verdict it should get."""

    lang: str
    text: str
    level: str
    kind: str | None

    def judged(self, verdict: SafetyVerdict) -> bool:
        """Return whether ``verdict`` is the expected one (the kind counts for emergency and unsure)."""
        return verdict.level == self.level and (self.level == "none" or verdict.kind == self.kind)


def rows(name: str) -> list[Row]:
    """Return the rows of ``tests/data/<name>.yaml``."""
    data = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    return [Row(lang, r["text"], r["level"], r.get("kind")) for lang, items in data.items() for r in items]


@dataclass(frozen=True, slots=True)
class Score:
    """The classifier's results on a table, per language."""

    total: int
    right: int
    emergencies: int
    emergencies_found: int
    """Expected emergencies judged emergency (any kind): recall."""
    emergency_verdicts: int
    emergency_verdicts_right: int
    """Emergency verdicts on expected emergencies: precision."""
    wrong: tuple[str, ...]

    def line(self, lang: str) -> str:
        """Return a one-line summary."""
        recall = self.emergencies_found / self.emergencies if self.emergencies else 1.0
        precision = self.emergency_verdicts_right / self.emergency_verdicts if self.emergency_verdicts else 1.0
        return (f"{lang}: {self.right}/{self.total} right ({self.right / self.total:.0%}), emergency recall "
                f"{recall:.0%}, precision {precision:.0%}")  # fmt: skip


def score(table: list[Row], lang: str) -> Score:
    """Classify every row of ``lang`` and count."""
    mine = [r for r in table if r.lang == lang]
    verdicts = [(r, classify(r.text)) for r in mine]
    wrong = tuple(f"{r.text!r}: want {r.level}/{r.kind}, got {v.level}/{v.kind} {v.cues}"
                  for r, v in verdicts if not r.judged(v))  # fmt: skip
    return Score(
        total=len(mine),
        right=len(mine) - len(wrong),
        emergencies=sum(r.level == "emergency" for r in mine),
        emergencies_found=sum(r.level == "emergency" and v.level == "emergency" for r, v in verdicts),
        emergency_verdicts=sum(v.level == "emergency" for _, v in verdicts),
        emergency_verdicts_right=sum(r.level == "emergency" and v.level == "emergency" for r, v in verdicts),
        wrong=wrong,
    )
