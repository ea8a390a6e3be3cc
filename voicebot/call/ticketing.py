"""Build the pre-filled ticket from what the call has gathered so far."""

from __future__ import annotations

import time
from typing import Any

from voicebot.events import CallRecord, HandoffRequested, SatisfactionRated
from voicebot.handoff.base import TicketDraft, TranscriptLine
from voicebot.lines.line import LineInfo
from voicebot.workorder.book import WorkOrderBook
from voicebot.workorder.builder import WORK_ORDER_KINDS, build_work_order


def ticket_fields(slots: dict[str, Any]) -> dict[str, Any]:
    """Return the dialogue's slots in the ticket's field names (docs/workorder.md): the caller's first account and
    the details they added make the description; the caller's own words are ``words``."""
    fields = dict(slots)
    opening = fields.pop("opening", None)
    details = str(fields.get("description") or "")
    if opening and (not details or details in opening):
        fields["description"] = opening
    elif opening and opening not in details:
        fields["description"] = f"{opening} {details}"
    if "field_words" in fields:
        fields["words"] = fields.pop("field_words")
    return fields


def draft_ticket(
    record: CallRecord,
    info: LineInfo,
    lang: str,
    kind: str,
    started_at_ms: int,
    fields: dict[str, Any] | None = None,
    intent: str | None = None,
    faq_topics: tuple[str, ...] = (),
    book: WorkOrderBook | None = None,
    repeat_of: str | None = None,
) -> TicketDraft:
    """Return a ticket draft holding everything said so far (idempotent per call: same call id).

    With the operator files (``book``), complaint, handoff and callback tickets carry their work order;
    ``repeat_of`` links the ticket to the caller's earlier open ticket it follows up.
    """
    merged: dict[str, Any] = dict(record.slots)
    merged.update(fields or {})
    handoffs = record.of(HandoffRequested)
    rated = record.of(SatisfactionRated)
    started = started_at_ms or int(time.time() * 1000)
    kept = ticket_fields({k: v for k, v in merged.items() if v is not None})
    work_order = build_work_order(book, kept, started) if book and kind in WORK_ORDER_KINDS else None
    return TicketDraft(
        call_id=info.call_id,
        kind=kind,
        language=lang,
        channel=info.protocol,
        calling_number=info.calling_number,
        called_number=info.called_number,
        protocol_call_id=info.protocol_call_id,
        intent=intent,
        fields=kept,
        faq_topics=faq_topics,
        transcript=tuple(TranscriptLine(at, who, text) for at, who, text in record.transcript()),
        handoff_reason=handoffs[-1].reason if handoffs else None,
        confidential=bool(merged.get("confidential")),
        started_at_ms=started,
        work_order=work_order,
        repeat_of=repeat_of,
        satisfaction=rated[-1].rating if rated else None,
    )
