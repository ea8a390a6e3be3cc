"""Agents' working hours, parsed from a settings string like ``Mon-Fri 08:30-17:30, Sat 09:00-12:00``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from voicebot.errors import ConfigError

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(
    r"^\s*(?P<d1>[A-Za-z]{3})(?:\s*-\s*(?P<d2>[A-Za-z]{3}))?\s+(?P<h1>\d{1,2}):(?P<m1>\d{2})\s*-\s*(?P<h2>\d{1,2}):(?P<m2>\d{2})\s*$"
)


@dataclass(frozen=True, slots=True)
class Shift:
    """One weekday's opening interval."""

    weekday: int
    """0 = Monday."""
    start: time
    """Opening time (local)."""
    end: time
    """Closing time (local, exclusive)."""


def _day(name: str, spec: str) -> int:
    try:
        return _DAYS.index(name.lower())
    except ValueError as err:
        raise ConfigError("agent-hours-invalid", f"unknown weekday {name!r} in agent_hours {spec!r}") from err


def _zone(name: str) -> tzinfo | None:
    if not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ConfigError("agent-hours-invalid", f"unknown time zone {name!r} (use a name like Asia/Shanghai)") from err


@dataclass(frozen=True, slots=True)
class AgentHours:
    """When human agents answer the queue."""

    shifts: tuple[Shift, ...]
    """Opening intervals; an empty tuple means never open."""
    zone: tzinfo | None = None
    """The time zone the shifts are in (``None``: the wall-clock time of the datetimes passed in)."""

    @classmethod
    def parse(cls, spec: str, timezone: str = "") -> AgentHours:
        """Parse ``Mon-Fri 08:30-17:30, Sat 09:00-12:00`` (``always`` or ``24/7`` for round the clock).

        ``timezone`` (``Asia/Shanghai``) is where the agents work; empty means the machine's local time.
        """
        zone = _zone(timezone)
        if spec.strip().lower() in ("always", "24/7"):
            return cls(tuple(Shift(d, time(0, 0), time.max) for d in range(7)), zone)
        shifts: list[Shift] = []
        for part in filter(None, (p.strip() for p in spec.split(","))):
            m = _PART.match(part)
            if m is None:
                raise ConfigError("agent-hours-invalid", f"cannot parse {part!r} in agent_hours {spec!r}")
            first = _day(m["d1"], spec)
            last = _day(m["d2"], spec) if m["d2"] else first
            try:
                start = time(int(m["h1"]), int(m["m1"]))
                end = time.max if m["h2"] == "24" and m["m2"] == "00" else time(int(m["h2"]), int(m["m2"]))
            except ValueError as err:
                raise ConfigError("agent-hours-invalid", f"bad time in {part!r}") from err
            if end <= start:
                raise ConfigError("agent-hours-invalid", f"closing time before opening time in {part!r}")
            day = first
            while True:
                shifts.append(Shift(day, start, end))
                if day == last:
                    break
                day = (day + 1) % 7
        return cls(tuple(shifts), zone)

    def _local(self, now: datetime) -> datetime:
        return now.astimezone(self.zone) if self.zone is not None and now.tzinfo is not None else now

    def is_open(self, now: datetime) -> bool:
        """Return whether agents are working at ``now``."""
        now = self._local(now)
        t = now.time().replace(tzinfo=None)
        return any(s.weekday == now.weekday() and s.start <= t < s.end for s in self.shifts)

    def next_open(self, now: datetime) -> datetime | None:
        """Return ``now`` if open, else when agents next start, in the agents' time zone (``None`` if never)."""
        now = self._local(now)
        if self.is_open(now):
            return now
        best: datetime | None = None
        for offset in range(8):
            day = now.date() + timedelta(days=offset)
            for s in self.shifts:
                if s.weekday != day.weekday():
                    continue
                start = datetime.combine(day, s.start, tzinfo=now.tzinfo)
                if start > now and (best is None or start < best):
                    best = start
            if best is not None:
                return best
        return best
