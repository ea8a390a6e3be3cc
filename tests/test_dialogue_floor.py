"""The regression floor: a held-out figure below it is reported, above it is not; a bad floor file is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicebot.errors import ConfigError
from voicebot.qa.dialogue_floor import FLOOR_FILE, check_floor, load_floor
from voicebot.qa.dialogue_metrics import Figures, Ratio


def figures(lang: str, right: int, location: int, gibberish: int = 0, split: str = "heldout") -> Figures:
    return Figures(lang=lang, split=split, dialogues=10, all_fields_right=Ratio(right, 10),
                   fields={"location": Ratio(location, 10)}, completion=Ratio(9, 10), turns_per_complaint=6.0,
                   emergency_precision=Ratio(2, 2), emergency_recall=Ratio(2, 2), misunderstandings=0,
                   gibberish_accepted=Ratio(gibberish, 3), outcome=Ratio(9, 10), errors=0)


FLOOR = {"zh-CN": {"all_fields_right": 0.3, "fields": {"location": 0.5}, "gibberish_accepted_max": 0}}


def test_figures_at_the_floor_pass_and_below_it_fail() -> None:
    assert check_floor([figures("zh-CN", 3, 5)], FLOOR) == []
    problems = check_floor([figures("zh-CN", 2, 4, gibberish=1)], FLOOR)
    assert len(problems) == 3 and any("location" in p for p in problems) and any("gibberish" in p for p in problems)


def test_a_language_without_held_out_dialogues_fails() -> None:
    assert check_floor([figures("zh-CN", 9, 9, split="dev")], FLOOR) == ["zh-CN: no held-out dialogues were played"]


def test_the_committed_floor_loads_and_a_bad_one_is_a_clear_error(tmp_path: Path) -> None:
    floor = load_floor(FLOOR_FILE)
    assert set(floor) == {"zh-CN", "en-US"} and floor["zh-CN"]["gibberish_accepted_max"] == 0
    bad = tmp_path / "floor.json"
    bad.write_text('{"langs": {"zh-CN": {"typo": 1}}}', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_floor(bad)
    assert err.value.code == "dialogue-floor-bad"
