"""Applying a correction from the console or the REST API: checked against the operator files, then stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from voicebot.errors import TicketError
from voicebot.handoff.store import SqlTicketStore
from voicebot.handoff.ticket import FieldChange
from voicebot.workorder.book import WorkOrderBook
from voicebot.workorder.edit import edit_columns


@dataclass(frozen=True, slots=True)
class TicketEdit:
    """What a person changes in one go."""

    notes: str | None = None
    """New agent notes (``None``: unchanged)."""
    fields: Mapping[str, Any] = field(default_factory=dict)
    """Complaint fields to set."""
    work_order: Mapping[str, Any] = field(default_factory=dict)
    """Work-order fields to set (``voicebot.workorder.model.EDITABLE``)."""


async def apply_edit(
    store: SqlTicketStore, book: WorkOrderBook, number: str, actor: str, change: TicketEdit
) -> tuple[FieldChange, ...]:
    """Check and store a correction; return the recorded changes (raises ``WorkOrderValueError``, ``TicketError``)."""
    ticket = await store.get(number)
    if ticket is None:
        raise TicketError("ticket-not-found", f"no ticket {number}")
    values: dict[str, Any] = {}
    if change.work_order:
        values.update(edit_columns(book, ticket.fields, ticket.work_order, ticket.started_at, change.work_order))
    if change.notes is not None:
        values["notes"] = change.notes
    return await store.update(number, actor, values, dict(change.fields))
