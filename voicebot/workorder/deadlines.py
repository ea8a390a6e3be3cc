"""The deadline table: urgency levels (一般/紧急/特急), their 办理时限, working days, and cues that raise urgency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from voicebot.workorder import files
from voicebot.workorder.files import Source
from voicebot.workorder.match import found
from voicebot.workorder.taxonomy import Label


@dataclass(frozen=True, slots=True)
class Level:
    """One urgency level and its time limit."""

    code: str
    """Stable code (``normal``, ``urgent``, ``critical`` in the sample)."""
    label: Label
    """Names (一般 / 紧急 / 特急)."""
    hours: int
    """Limit in clock hours from the call (0 when counted in working days)."""
    working_days: int
    """Limit in working days: by the end of the Nth working day after the day of the call (0: hours)."""


@dataclass(frozen=True, slots=True)
class Cue:
    """Words in the description that raise a work order to at least ``level``."""

    level: str
    """Level code."""
    words: tuple[str, ...]
    """Chinese and English words."""
    months: tuple[int, ...]
    """Only in these months (e.g. no heating counts in the heating season); empty: all year."""


@dataclass(frozen=True, slots=True)
class DeadlineTable:
    """The whole deadline file."""

    path: Path
    """Where it was loaded from."""
    timezone: ZoneInfo
    """The city's time zone (working days and end of day are counted there)."""
    levels: tuple[Level, ...]
    """Levels from least to most urgent."""
    default: str
    """Level of a work order no cue or category raises."""
    workweek: tuple[int, ...]
    """ISO weekdays that are working days (1 = Monday)."""
    holidays: frozenset[dt.date]
    """Days off although in the workweek (public holidays)."""
    extra_workdays: frozenset[dt.date]
    """Working days although outside the workweek (调休 make-up days)."""
    cues: tuple[Cue, ...]
    """Urgency cues."""

    def level(self, code: str) -> Level | None:
        """Return the level with this code."""
        return next((lv for lv in self.levels if lv.code == code), None)

    def rank(self, code: str) -> int:
        """Return how urgent a level is (0 = least; unknown codes rank as the default)."""
        codes = [lv.code for lv in self.levels]
        return codes.index(code) if code in codes else codes.index(self.default)

    def urgency(self, description: str, at_ms: int, floor: str = "") -> tuple[str, tuple[str, ...]]:
        """Return the level for a description at a call time (at least ``floor``), and the cue words found."""
        month = dt.datetime.fromtimestamp(at_ms / 1000, self.timezone).month
        level = floor if self.level(floor) else self.default
        words: list[str] = []
        for cue in self.cues:
            if cue.months and month not in cue.months:
                continue
            hits = found(description, cue.words)
            if hits:
                words.extend(hits)
                if self.rank(cue.level) > self.rank(level):
                    level = cue.level
        return level, tuple(dict.fromkeys(words))

    def is_workday(self, day: dt.date) -> bool:
        """Return whether ``day`` is a working day."""
        if day in self.extra_workdays:
            return True
        return day.isoweekday() in self.workweek and day not in self.holidays

    def deadline_ms(self, level_code: str, start_ms: int) -> int:
        """Return the 办理时限 of a level for a call that started at ``start_ms`` (epoch ms)."""
        level = self.level(level_code) or self.level(self.default)
        assert level is not None  # the default is checked at load time
        if level.hours:
            return start_ms + level.hours * 3_600_000
        day = dt.datetime.fromtimestamp(start_ms / 1000, self.timezone).date()
        left = level.working_days
        for _ in range(3660):  # ten years of days off would be a broken table, not a long wait
            if left == 0:
                break
            day += dt.timedelta(days=1)
            left -= self.is_workday(day)
        end = dt.datetime.combine(day, dt.time(23, 59, 59), self.timezone)
        return int(end.timestamp() * 1000)


def _dates(value: Any, src: Source) -> frozenset[dt.date]:
    out = set()
    for i, item in enumerate(value or []):
        if isinstance(item, dt.date):
            out.add(item)
            continue
        try:
            out.add(dt.date.fromisoformat(files.text(item, src.at(i))))
        except ValueError as err:
            raise src.at(i).fail(f"{item!r} is not a date (YYYY-MM-DD)") from err
    return frozenset(out)


def _level(code: str, data: Any, src: Source) -> Level:
    entry = files.mapping(data, src)
    files.known_keys(entry, src, {"zh", "en", "hours", "working_days"})
    label = Label(files.text(entry.get("zh"), src.at("zh")), files.text(entry.get("en"), src.at("en")))
    if ("hours" in entry) == ("working_days" in entry):
        raise src.fail("give exactly one of hours or working_days")
    if "hours" in entry:
        return Level(code, label, files.integer(entry["hours"], src.at("hours"), 1, 24 * 366), 0)
    return Level(code, label, 0, files.integer(entry["working_days"], src.at("working_days"), 1, 366))


def _cue(data: Any, src: Source, levels: Mapping[str, Level]) -> Cue:
    entry = files.mapping(data, src)
    files.known_keys(entry, src, {"level", "zh", "en", "months"})
    level = files.text(entry.get("level"), src.at("level"))
    if level not in levels:
        raise src.at("level").fail(f"unknown level {level!r} ({', '.join(levels)})", "workorder-unknown-reference")
    words = (*files.words(entry.get("zh"), src.at("zh")), *files.words(entry.get("en"), src.at("en")))
    if not words:
        raise src.fail("a cue needs zh or en words")
    months = tuple(files.integer(m, src.at(f"months.{i}"), 1, 12) for i, m in enumerate(entry.get("months") or []))
    return Cue(level, words, months)


def load_deadlines(path: Path) -> DeadlineTable:
    """Load and check a deadline table."""
    data, src = files.read_yaml(path)
    files.known_keys(data, src, {"timezone", "levels", "default", "workweek", "holidays", "extra_workdays", "cues"})
    tz_name = files.text(data.get("timezone"), src.at("timezone"))
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise src.at("timezone").fail(f"unknown time zone {tz_name!r}") from err
    lv_src = src.at("levels")
    levels = {str(k): _level(str(k), v, lv_src.at(k)) for k, v in files.mapping(data.get("levels"), lv_src).items()}
    if not levels:
        raise lv_src.fail("at least one level is needed")
    default = files.text(data.get("default"), src.at("default"))
    if default not in levels:
        raise src.at("default").fail(f"unknown level {default!r}", "workorder-unknown-reference")
    week = data.get("workweek", [1, 2, 3, 4, 5])
    workweek = tuple(files.integer(d, src.at(f"workweek.{i}"), 1, 7) for i, d in enumerate(week or []))
    if not workweek:
        raise src.at("workweek").fail("at least one working weekday is needed")
    cue_src = src.at("cues")
    cues = data.get("cues") or []
    if not isinstance(cues, list):
        raise cue_src.fail("must be a list")
    return DeadlineTable(
        path,
        tz,
        tuple(levels.values()),
        default,
        workweek,
        _dates(data.get("holidays"), src.at("holidays")),
        _dates(data.get("extra_workdays"), src.at("extra_workdays")),
        tuple(_cue(c, cue_src.at(i), levels) for i, c in enumerate(cues)),
    )
