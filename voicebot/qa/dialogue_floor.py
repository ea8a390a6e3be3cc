"""The regression floor: held-out figures CI must not fall below while the issue's bars are not yet met.

``corpus/floor.json`` holds, per language, the lowest accepted held-out figures (measured, minus a small margin for
run-to-run noise). The target bars stay in ``voicebot.qa.dialogue_bars``; ``voicebot rasa dialogue-report
--check`` tests them, ``--check-floor`` tests this floor (what CI runs). Raise the floor when the figures improve.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from voicebot.errors import ConfigError
from voicebot.qa.dialogue_bars import CHECKED_SPLIT
from voicebot.qa.dialogue_corpus import CORPUS_DIR
from voicebot.qa.dialogue_metrics import Figures, Ratio

FLOOR_FILE = CORPUS_DIR / "floor.json"
"""The committed floor."""
RATIOS = ("all_fields_right", "completion", "emergency_precision", "emergency_recall", "outcome")
"""Figure names the floor may name besides ``fields``."""


def load_floor(path: Path = FLOOR_FILE) -> dict[str, dict[str, Any]]:
    """Return the floor per language; a missing or malformed file is a ``dialogue-floor-bad`` error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ConfigError("dialogue-floor-bad", f"{path}: cannot read the floor: {err}") from err
    langs = data.get("langs") if isinstance(data, dict) else None
    if not isinstance(langs, dict):
        raise ConfigError("dialogue-floor-bad", f"{path}: expected an object with 'langs'")
    for lang, entry in langs.items():
        unknown = set(entry) - {*RATIOS, "fields", "gibberish_accepted_max"}
        if unknown:
            raise ConfigError("dialogue-floor-bad", f"{path}: {lang}: unknown figures {sorted(unknown)}")
    return langs


def _below(ratio: Ratio, floor: float) -> bool:
    return ratio.value is not None and ratio.value < floor


def check_floor(all_figures: Sequence[Figures], floor: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Return every held-out figure below the floor (empty: no regression)."""
    problems: list[str] = []
    held = {f.lang: f for f in all_figures if f.split == CHECKED_SPLIT}
    for lang, entry in sorted(floor.items()):
        figures = held.get(lang)
        if figures is None or figures.dialogues == 0:
            problems.append(f"{lang}: no held-out dialogues were played")
            continue
        for name in RATIOS:
            if name in entry and _below(getattr(figures, name), float(entry[name])):
                problems.append(f"{lang}: {name} {getattr(figures, name)} < floor {float(entry[name]):.1%}")
        for name, minimum in (entry.get("fields") or {}).items():
            ratio = figures.fields.get(name)
            if ratio is not None and _below(ratio, float(minimum)):
                problems.append(f"{lang}: field {name} {ratio} < floor {float(minimum):.1%}")
        if figures.gibberish_accepted.hits > int(entry.get("gibberish_accepted_max", 0)):
            problems.append(f"{lang}: gibberish taken as yes {figures.gibberish_accepted.hits} time(s)")
        if figures.errors:
            problems.append(f"{lang}: {figures.errors} call(s) could not run")
    return problems
