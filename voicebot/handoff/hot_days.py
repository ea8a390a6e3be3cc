"""Days of the hotline's calendar and the spike rule of the hot-topics page (pure functions).

A day runs from midnight to midnight in ``[handoff] timezone`` (empty: the machine's local time), so a DST change
or a server in another zone never moves a ticket to the wrong day. A spike compares today's count with the mean
of the same weekday over the last ``weeks`` weeks (``[hot_topics]``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from voicebot.errors import ConfigError


def zone(name: str) -> tzinfo | None:
    """Return the IANA zone ``name`` (``Asia/Shanghai``), or ``None`` for the machine's local time (empty)."""
    if not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ConfigError("config-bad-timezone", f"unknown time zone {name!r} (use a name like Asia/Shanghai)") from err


def day_of(at_ms: int, tz: tzinfo | None) -> date:
    """Return the calendar day an epoch-ms instant falls on in ``tz`` (``None``: local time)."""
    return datetime.fromtimestamp(at_ms / 1000, tz).date()


def day_start_ms(day: date, tz: tzinfo | None) -> int:
    """Return the epoch ms of ``day``'s midnight in ``tz`` (``None``: local time)."""
    return int(datetime.combine(day, time(0), tz).timestamp() * 1000)


def day_bounds(day: date, tz: tzinfo | None) -> tuple[int, int]:
    """Return ``[start, end)`` of ``day`` in epoch ms (23 or 25 hours long across a DST change)."""
    return day_start_ms(day, tz), day_start_ms(day + timedelta(days=1), tz)


def chart_days(today: date, days: int) -> tuple[date, ...]:
    """Return the ``days`` days ending with ``today``, oldest first."""
    return tuple(today - timedelta(days=n) for n in range(days - 1, -1, -1))


def same_weekdays(today: date, weeks: int) -> tuple[date, ...]:
    """Return the same weekday in each of the ``weeks`` weeks before ``today``, nearest first."""
    return tuple(today - timedelta(weeks=n) for n in range(1, weeks + 1))


@dataclass(frozen=True, slots=True)
class Spike:
    """Today against the usual for one category, district or FAQ topic."""

    today: int
    """Count today so far."""
    baseline: float
    """Mean count of the same weekday over the compared weeks (0 when there was none)."""
    flagged: bool
    """Whether today is a spike: at least ``min_count`` and at least ``ratio`` times the baseline."""

    @property
    def ratio(self) -> float | None:
        """Return today / baseline (``None`` when the baseline is 0: anything is infinitely more)."""
        return self.today / self.baseline if self.baseline else None


def spike(today: int, history: Sequence[int], ratio: float, min_count: int) -> Spike:
    """Return whether ``today`` is a spike against ``history`` (the same weekday's counts, zeros included)."""
    baseline = sum(history) / len(history) if history else 0.0
    return Spike(today, baseline, today >= min_count and today >= ratio * baseline)
