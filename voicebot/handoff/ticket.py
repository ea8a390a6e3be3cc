"""The stored ticket (what agents and the case system see) and its speakable number."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from voicebot.handoff.base import TranscriptLine
from voicebot.handoff.workorder_columns import work_order_of
from voicebot.workorder.model import WorkOrder

STATUSES = ("new", "queued", "claimed", "resolved", "callback_due")
"""Every ticket status, in the usual order of a ticket's life."""

OPEN_STATUSES = ("new", "queued", "claimed", "callback_due")
"""Statuses of tickets still needing work."""


def new_number() -> str:
    """Return a random 8-digit ticket number (no leading zero, so it reads the same spoken or typed)."""
    return str(10_000_000 + secrets.randbelow(90_000_000))


def spoken_groups(number: str) -> str:
    """Return the number in groups of four for display (``1234 5678``)."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def log_number(number: str) -> str:
    """Return the number as logged (``1234.5678``): the log mask would take an 8-digit run for a phone number."""
    return ".".join(number[i : i + 4] for i in range(0, len(number), 4))


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One entry of a ticket's status history."""

    status: str
    """Status entered."""
    at_ms: int
    """Epoch ms."""
    actor: str
    """``bot``, an agent's user name, or ``api:<token name>``."""
    note: str
    """Free text (callback number, resolution...)."""


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One entry of a ticket's field-change history (work order, complaint fields, notes)."""

    field: str
    """``department``, ``urgency``... (work order), ``fields.<key>`` (complaint field) or ``notes``."""
    old: str | None
    """Value before (text; ``None`` if unset)."""
    new: str | None
    """Value after."""
    actor: str
    """An agent's user name, or ``api:<token name>``."""
    at_ms: int
    """Epoch ms."""

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"field": self.field, "old": self.old, "new": self.new, "actor": self.actor, "at_ms": self.at_ms}


@dataclass(frozen=True, slots=True)
class Ticket:
    """A stored ticket."""

    number: str
    """Speakable unique number."""
    call_id: str
    """The call it came from."""
    kind: str
    """``complaint``, ``handoff``, ``callback`` or ``partial``."""
    status: str
    """Current status (see ``STATUSES``)."""
    language: str
    """Call language."""
    channel: str
    """Line protocol."""
    calling_number: str
    """Caller's number (personal data: masked outside an opened ticket)."""
    called_number: str
    """Dialled number."""
    protocol_call_id: str
    """The switch's call id."""
    intent: str | None
    """Last understood intent."""
    fields: dict[str, Any]
    """Complaint fields with the caller's words."""
    faq_topics: tuple[str, ...]
    """FAQ topics asked."""
    transcript: tuple[TranscriptLine, ...]
    """Caller and bot turns with call-time stamps (empty once purged by retention)."""
    handoff_reason: str | None
    """Why the call went to a human."""
    confidential: bool
    """Visible to supervisors only."""
    recording_ref: str | None
    """Recording file (``None`` if none or purged)."""
    recording_missing: bool
    """The call was to be recorded but the recording failed (disk full)."""
    started_at: int
    """Epoch ms the call started."""
    created_at: int
    """Epoch ms the ticket was first saved."""
    updated_at: int
    """Epoch ms of the last change."""
    queued_at: int | None
    """Epoch ms the caller joined the agent queue."""
    claimed_at: int | None
    """Epoch ms an agent claimed it."""
    claimed_by: str | None
    """Agent who claimed it."""
    resolved_at: int | None
    """Epoch ms it was resolved."""
    callback_number: str | None
    """Number to call back (status ``callback_due``)."""
    notes: str
    """Agent notes."""
    purged_at: int | None
    """Epoch ms retention removed transcript and recording."""
    work_order: WorkOrder | None = None
    """The 12345 work order (``None`` for partial and bot-resolved calls until an agent fills it in)."""
    satisfaction: int | None = None
    """The caller's rating, 1 (very satisfied) to 5 (very dissatisfied); ``None``: not asked or not given."""
    history: tuple[StatusChange, ...] = ()
    """Status history, oldest first (filled when a single ticket is loaded)."""
    changes: tuple[FieldChange, ...] = ()
    """Field-change history, oldest first (filled when a single ticket is loaded)."""
    repeat_of: str | None = None
    """The earlier open ticket of the same caller this one follows up (重复件)."""
    repeats: tuple[str, ...] = ()
    """Numbers of the follow-ups filed on this ticket, oldest first (filled when a single ticket is loaded)."""

    def to_json(self, *, history: bool = True) -> dict[str, Any]:
        """Return a JSON-ready dict (full personal data: only for authorised readers)."""
        skip = ("history", "changes", "work_order", "repeats")
        data: dict[str, Any] = {name: getattr(self, name) for name in self.__dataclass_fields__ if name not in skip}
        data["faq_topics"] = list(self.faq_topics)
        data["transcript"] = [{"at_ms": t.at_ms, "speaker": t.speaker, "text": t.text} for t in self.transcript]
        data["work_order"] = self.work_order.to_json() if self.work_order else None
        if history:
            data["history"] = [
                {"status": h.status, "at_ms": h.at_ms, "actor": h.actor, "note": h.note} for h in self.history
            ]
            data["changes"] = [c.to_json() for c in self.changes]
            data["repeats"] = list(self.repeats)
        return data


def ticket_from_row(
    row: Any,
    history: tuple[StatusChange, ...] = (),
    changes: tuple[FieldChange, ...] = (),
    repeats: tuple[str, ...] = (),
) -> Ticket:
    """Build a ``Ticket`` from a ``tickets`` row."""
    m = row._mapping
    return Ticket(
        number=m["number"],
        call_id=m["call_id"],
        kind=m["kind"],
        status=m["status"],
        language=m["language"],
        channel=m["channel"],
        calling_number=m["calling_number"],
        called_number=m["called_number"],
        protocol_call_id=m["protocol_call_id"],
        intent=m["intent"],
        fields=dict(m["fields"] or {}),
        faq_topics=tuple(m["faq_topics"] or ()),
        transcript=tuple(TranscriptLine(int(t["at_ms"]), str(t["speaker"]), str(t["text"])) for t in m["transcript"]),
        handoff_reason=m["handoff_reason"],
        confidential=bool(m["confidential"]),
        recording_ref=m["recording_ref"],
        recording_missing=bool(m["recording_missing"]),
        started_at=m["started_at"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        queued_at=m["queued_at"],
        claimed_at=m["claimed_at"],
        claimed_by=m["claimed_by"],
        resolved_at=m["resolved_at"],
        callback_number=m["callback_number"],
        notes=m["notes"],
        purged_at=m["purged_at"],
        work_order=work_order_of(m),
        satisfaction=m["satisfaction"],
        history=history,
        changes=changes,
        repeat_of=m.get("repeat_of"),
        repeats=repeats,
    )
