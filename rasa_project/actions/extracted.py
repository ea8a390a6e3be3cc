"""Result types of the address and time extractors (the same for both languages).

Every result keeps the caller's own words next to the normalised value, and says whether the text is an answer
for its slot at all (``ok``, with a stable ``reason`` code when not), so the form logic can validate an answer
before storing it. ``as_fields()`` gives the work-order keys of docs/workorder.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# Reason codes (stable: the form logic and the tests compare them).
EMPTY = "empty"
NOT_AN_ADDRESS = "not-an-address"
DIGITS = "digits"
IS_A_TIME = "is-a-time"
NOT_A_TIME = "not-a-time"
UNPARSED = "unparsed"


@dataclass(frozen=True)
class AddressParts:
    """The parts of an address (``location_parts``); None for a part the text does not give."""

    province: str | None = None
    """Province-level name (zh: 北京市, 四川省; en: rarely given)."""
    city: str | None = None
    """City (zh: 成都市; en: usaddress ``PlaceName`` when it is not a district)."""
    district: str | None = None
    """District or county (zh: 海淀区; en: "Chaoyang District")."""
    town: str | None = None
    """Sub-district, town or township (zh: 中关村街道, 清河镇)."""
    detail: str | None = None
    """The rest: road, house number, compound, building, landmark (学院路28号小区门口, "28 Jianguo Road")."""


@dataclass(frozen=True)
class Address:
    """A place the caller gave, checked and normalised."""

    ok: bool
    """True when the words name a place (an answer to "where?")."""
    value: str | None
    """The normalised place in the caller's order: Arabic numerals, no fillers; no province or city the caller
    did not say (those are in ``parts`` only). None when not ok."""
    words: str
    """The caller's own words, as heard."""
    parts: AddressParts
    """Province, city, district, town and detail (from jionlp ``parse_location`` / usaddress tags)."""
    inferred: tuple[str, ...] = ()
    """Names of the ``parts`` the library filled in although the caller did not say them (e.g. ``province``)."""
    reason: str | None = None
    """Why the words are not an address (``empty``, ``not-an-address``, ``digits``, ``is-a-time``)."""

    def as_fields(self) -> dict[str, Any]:
        """Return the work-order keys ``location`` and ``location_parts``."""
        return {"location": self.value, "location_parts": asdict(self.parts) if self.ok else None}


@dataclass(frozen=True)
class TimeNorm:
    """A normalised time (``incident_time_norm``)."""

    kind: str
    """``point`` (a moment or a day part), ``span`` (from .. to), ``recurring`` (every night...), ``duration``
    (for two weeks: the span up to the call)."""
    start: str | None
    """ISO 8601 local time (no zone: the call's local time), or None when open."""
    end: str | None
    """ISO 8601 local time, or None when open-ended ("since ten pm", "十点以后")."""


@dataclass(frozen=True)
class TimeAnswer:
    """A time the caller gave, with its normalised form when the library could compute one."""

    ok: bool
    """True when the words say when (an answer to "when?"), even if they cannot be normalised (刚才, "lately")."""
    words: str | None
    """The caller's time words, cleaned of fillers (``incident_time``). None when not ok."""
    norm: TimeNorm | None
    """The normalised time relative to the call's time; None when not computable."""
    heard: str
    """The caller's own words, as heard."""
    reason: str | None = None
    """Why the words are not a time (``empty``, ``not-a-time``, ``digits``), or ``unparsed`` when ok but not
    normalised."""

    def as_fields(self) -> dict[str, Any]:
        """Return the work-order keys ``incident_time`` and ``incident_time_norm``."""
        return {"incident_time": self.words, "incident_time_norm": asdict(self.norm) if self.norm else None}
