"""Operator files: replacing them through ``[workorder]``, and typed errors naming the file and entry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from voicebot.errors import ConfigError
from voicebot.settings import WorkOrderSettings, load_settings
from voicebot.workorder.book import SAMPLES, load_book
from voicebot.workorder.errors import WorkOrderFileError
from voicebot.workorder.files import sample


def operator_files(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], object]) -> WorkOrderSettings:
    """Copy the samples to ``tmp_path``, change one file, and return settings pointing at the copies."""
    paths = {}
    for key, file in SAMPLES.items():
        data = yaml.safe_load(sample(file).read_text(encoding="utf-8"))
        if key == name:
            change(data)
        target = tmp_path / file
        target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        paths[key] = str(target)
    return WorkOrderSettings(**paths)


def test_settings_point_at_operator_files(tmp_path: Path) -> None:
    def add_district(data: dict[str, Any]) -> None:
        data["districts"]["雄安新区"] = {"aliases": ["Xiong'an"]}

    settings = operator_files(tmp_path, "gazetteer", add_district)
    config = tmp_path / "voicebot.toml"
    config.write_text(f'[workorder]\ngazetteer = "{settings.gazetteer}"\n', encoding="utf-8")
    loaded = load_settings(config, env={"VOICEBOT_WORKORDER__ROUTING": settings.routing})
    assert loaded.workorder.gazetteer == settings.gazetteer and loaded.workorder.routing == settings.routing
    book = load_book(loaded.workorder)
    assert book.gazetteer.path == Path(settings.gazetteer)
    assert book.gazetteer.district("Xiong'an") is not None and len(book.gazetteer.districts) == 17
    assert "雄安新区人民政府" in book.departments()


def _drop_noise(data: dict[str, Any]) -> None:
    data["categories"]["eco_environment"]["codes"] = []


def _twice(data: dict[str, Any]) -> None:
    data["categories"]["other"]["codes"] = ["other", "labor"]


def _bad_sub(data: dict[str, Any]) -> None:
    data["categories"]["housing"]["subcategories"]["elevator"]["keywords"] = "电梯"


def _no_report(data: dict[str, Any]) -> None:
    del data["request_types"]["report"]


def _typo(data: dict[str, Any]) -> None:
    data["categories"]["transport"]["subcategoires"] = {}


def _urgency_unknown(data: dict[str, Any]) -> None:
    data["categories"]["public_safety"]["urgency"] = "asap"


def _both_limits(data: dict[str, Any]) -> None:
    data["levels"]["urgent"]["working_days"] = 1


def _bad_zone(data: dict[str, Any]) -> None:
    data["timezone"] = "Asia/Beijing"


def _bad_holiday(data: dict[str, Any]) -> None:
    data["holidays"] = ["2027-02-30"]


def _cue_level(data: dict[str, Any]) -> None:
    data["cues"][0]["level"] = "panic"


def _alias_twice(data: dict[str, Any]) -> None:
    data["districts"]["海淀区"]["aliases"].append("朝阳")


def _route_district(data: dict[str, Any]) -> None:
    data["routes"][2]["district"] = "浦东新区"


def _route_sub(data: dict[str, Any]) -> None:
    data["routes"][0]["subcategory"] = "elevator"


def _route_placeholder(data: dict[str, Any]) -> None:
    data["routes"][3]["department"] = "{city}生态环境局"


def _no_fallback(data: dict[str, Any]) -> None:
    data["routes"] = [r for r in data["routes"] if r.get("category")]


@pytest.mark.parametrize(
    ("name", "change", "code", "entry"),
    [
        ("taxonomy", _drop_noise, "workorder-code-unmapped", "'noise' maps to no category"),
        ("taxonomy", _twice, "workorder-code-unmapped", "'labor' maps to several categories (labor_social, other)"),
        ("taxonomy", _bad_sub, "workorder-entry-invalid", "categories.housing.subcategories.elevator.keywords"),
        ("taxonomy", _no_report, "workorder-code-unmapped", "request type 'report'"),
        ("taxonomy", _typo, "workorder-entry-invalid", "categories.transport: unknown keys subcategoires"),
        ("taxonomy", _urgency_unknown, "workorder-unknown-reference", "categories.public_safety.urgency"),
        ("deadlines", _both_limits, "workorder-entry-invalid", "levels.urgent: give exactly one of"),
        ("deadlines", _bad_zone, "workorder-entry-invalid", "timezone: unknown time zone 'Asia/Beijing'"),
        ("deadlines", _bad_holiday, "workorder-entry-invalid", "holidays.0: '2027-02-30' is not a date"),
        ("deadlines", _cue_level, "workorder-unknown-reference", "cues.0.level: unknown level 'panic'"),
        ("gazetteer", _alias_twice, "workorder-entry-invalid", "districts.海淀区: name '朝阳' also stands for 朝阳区"),
        ("routing", _route_district, "workorder-unknown-reference", "routes.2.district: '浦东新区' is not in"),
        ("routing", _route_sub, "workorder-unknown-reference", "routes.0.subcategory"),
        ("routing", _route_placeholder, "workorder-entry-invalid", "routes.3.department: unknown placeholder {city}"),
        ("routing", _no_fallback, "workorder-no-fallback", "routes: needs a catch-all rule"),
    ],
)
def test_bad_operator_files_fail_at_load_naming_file_and_entry(
    tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None], code: str, entry: str
) -> None:
    settings = operator_files(tmp_path, name, change)
    with pytest.raises(WorkOrderFileError) as err:
        load_book(settings)
    assert isinstance(err.value, ConfigError)  # the CLI reports it like every settings error
    assert err.value.code == code
    assert str(tmp_path / SAMPLES[name]) in err.value.message and entry in err.value.message, err.value.message


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(WorkOrderFileError) as missing:
        load_book(WorkOrderSettings(taxonomy=str(tmp_path / "nope.yaml")))
    assert missing.value.code == "workorder-file-missing" and "nope.yaml" in missing.value.message
    broken = tmp_path / "routing.yaml"
    broken.write_text("routes: [\n  {category: noise", encoding="utf-8")
    with pytest.raises(WorkOrderFileError) as unreadable:
        load_book(WorkOrderSettings(routing=str(broken)))
    assert unreadable.value.code == "workorder-file-unreadable" and str(broken) in unreadable.value.message
    listing = tmp_path / "gazetteer.yaml"
    listing.write_text("- 朝阳区\n- 海淀区\n", encoding="utf-8")
    with pytest.raises(WorkOrderFileError) as shape:
        load_book(WorkOrderSettings(gazetteer=str(listing)))
    assert shape.value.code == "workorder-file-unreadable" and "top level must be a mapping" in shape.value.message
