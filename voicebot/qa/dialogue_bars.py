"""The bars the held-out corpus must clear, per language (``docs/workorder.md`` "Measuring"); CI fails below them.

``voicebot rasa dialogue-report --check`` and the real-Rasa test both use ``check_bars``.
"""

from __future__ import annotations

from collections.abc import Sequence

from voicebot.qa.dialogue_metrics import Figures, Ratio

ALL_FIELDS_RIGHT_MIN = 0.95
"""Complaint tickets with every field right."""
FIELD_MIN = 0.97
"""Accuracy of each field."""
EMERGENCY_RECALL_MIN = 1.0
"""Expected emergency advice that was given: every one."""
EMERGENCY_PRECISION_MIN = 0.95
"""Emergency advice given that was called for."""
GIBBERISH_ACCEPTED_MAX = 0
"""Gibberish turns taken as "yes": never."""
CHECKED_SPLIT = "heldout"
"""The split the bars apply to."""


def _below(ratio: Ratio, bar: float) -> bool:
    return ratio.value is not None and ratio.value < bar


def check_bars(all_figures: Sequence[Figures], langs: Sequence[str] = ()) -> list[str]:
    """Return every held-out figure below its bar (empty: all clear); a language without held-out dialogues fails."""
    problems: list[str] = []
    held = {f.lang: f for f in all_figures if f.split == CHECKED_SPLIT}
    for lang in langs or sorted({f.lang for f in all_figures}):
        if lang not in held or held[lang].dialogues == 0:
            problems.append(f"{lang}: no held-out dialogues were played")
    for lang, f in sorted(held.items()):
        if f.all_fields_right.total == 0:
            problems.append(f"{lang}: no held-out complaint dialogues")
        elif _below(f.all_fields_right, ALL_FIELDS_RIGHT_MIN):
            problems.append(f"{lang}: complaint tickets with every field right {f.all_fields_right} < "
                            f"{ALL_FIELDS_RIGHT_MIN:.0%}")  # fmt: skip
        for name, ratio in f.fields.items():
            if _below(ratio, FIELD_MIN):
                problems.append(f"{lang}: field {name} {ratio} < {FIELD_MIN:.0%}")
        if _below(f.emergency_recall, EMERGENCY_RECALL_MIN):
            problems.append(f"{lang}: emergency recall {f.emergency_recall} < {EMERGENCY_RECALL_MIN:.0%}")
        if _below(f.emergency_precision, EMERGENCY_PRECISION_MIN):
            problems.append(f"{lang}: emergency precision {f.emergency_precision} < {EMERGENCY_PRECISION_MIN:.0%}")
        if f.gibberish_accepted.hits > GIBBERISH_ACCEPTED_MAX:
            problems.append(f"{lang}: gibberish taken as yes {f.gibberish_accepted.hits} time(s)")
        if f.errors:
            problems.append(f"{lang}: {f.errors} call(s) could not run")
    return problems
