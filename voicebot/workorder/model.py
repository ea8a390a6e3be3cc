"""The work order itself: what the bot fills in and an agent may correct (plain data, JSON both ways)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

EDITABLE = ("request_type", "category", "subcategory", "urgency", "deadline_at", "district", "street", "community",
            "department")  # fmt: skip
"""Work-order fields an agent or the case system may change (each change is recorded)."""


@dataclass(frozen=True, slots=True)
class Flag:
    """Something an agent should check (the contract's ``flags`` entries)."""

    field: str
    """The field concerned (``location``...)."""
    code: str
    """``unknown-place`` (not in the gazetteer: kept as free text), ``no-place``, ``unverified``..."""


@dataclass(frozen=True, slots=True)
class Area:
    """The administrative area of the incident, resolved against the city gazetteer."""

    district: str | None
    """区/县 (official name), or ``None``."""
    street: str | None
    """街道/镇, or ``None``."""
    community: str | None
    """社区/村, or ``None``."""
    resolved: bool
    """Whether the district is known; if not, the place stays free text (``text``) and is flagged."""
    matched: tuple[str, ...]
    """The caller's words that matched gazetteer names (``朝阳区``, ``Chaoyang``...)."""
    text: str
    """The place as the action server normalised it."""


@dataclass(frozen=True, slots=True)
class WorkOrder:
    """A GB/T 33358-style work order (工单)."""

    request_type: str
    """诉求类型 code: ``complaint``, ``report``, ``assistance``, ``consultation``, ``suggestion``."""
    category: str
    """Taxonomy category code."""
    subcategory: str | None
    """Taxonomy sub-category code within ``category``, or ``None`` when no keyword chose one."""
    urgency: str
    """Urgency level code (``normal`` 一般, ``urgent`` 紧急, ``critical`` 特急 in the sample table)."""
    deadline_at: int
    """办理时限: epoch ms by which the 承办单位 must have handled it."""
    area: Area
    """区/县, 街道/镇, 社区."""
    department: str | None
    """承办单位 (the suggestion until an agent changes it)."""
    suggested_department: str | None = None
    """What the routing table suggested (kept when an agent changes ``department``)."""
    route: str = ""
    """The routing rule that gave the suggestion (``category/subcategory/district``, ``*`` = any)."""
    subcategory_words: tuple[str, ...] = ()
    """Description words that chose the sub-category."""
    urgency_cues: tuple[str, ...] = ()
    """Description words that raised the urgency."""
    flags: tuple[Flag, ...] = ()
    """What an agent should check."""

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict (the ``work_order`` of ticket JSON, without labels)."""
        a = self.area
        return {
            "request_type": self.request_type,
            "category": self.category,
            "subcategory": self.subcategory,
            "urgency": self.urgency,
            "deadline_at": self.deadline_at,
            "area": {
                "district": a.district,
                "street": a.street,
                "community": a.community,
                "resolved": a.resolved,
                "matched": list(a.matched),
                "text": a.text,
            },  # fmt: skip
            "department": self.department,
            "suggested_department": self.suggested_department,
            "route": self.route,
            "subcategory_words": list(self.subcategory_words),
            "urgency_cues": list(self.urgency_cues),
            "flags": [{"field": f.field, "code": f.code} for f in self.flags],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WorkOrder:
        """Rebuild a work order from ``to_json`` output (spool journal, database rows)."""
        a = data.get("area") or {}
        return cls(
            request_type=str(data["request_type"]),
            category=str(data["category"]),
            subcategory=data.get("subcategory"),
            urgency=str(data["urgency"]),
            deadline_at=int(data["deadline_at"]),
            area=Area(
                a.get("district"),
                a.get("street"),
                a.get("community"),
                bool(a.get("resolved")),
                tuple(a.get("matched") or ()),
                str(a.get("text") or ""),
            ),  # fmt: skip
            department=data.get("department"),
            suggested_department=data.get("suggested_department"),
            route=str(data.get("route") or ""),
            subcategory_words=tuple(data.get("subcategory_words") or ()),
            urgency_cues=tuple(data.get("urgency_cues") or ()),
            flags=tuple(Flag(str(f["field"]), str(f["code"])) for f in data.get("flags") or ()),
        )
