"""A draft as ``tickets`` row values, and merging a newer draft of the same call into the stored row."""

from __future__ import annotations

from typing import Any

from voicebot.handoff.base import TicketDraft
from voicebot.handoff.caller_number import caller_key
from voicebot.handoff.workorder_columns import AREA_COLUMNS, columns_of

_KEEP_KNOWN = ("intent", "handoff_reason", "recording_ref", "channel", "calling_number", "called_number",
               "protocol_call_id", "caller_key", "repeat_of", "satisfaction")  # fmt: skip


def draft_values(draft: TicketDraft) -> dict[str, Any]:
    """Return the row values of a draft (work-order columns only when the draft has a work order)."""
    values = {
        "kind": draft.kind,
        "language": draft.language,
        "channel": draft.channel,
        "calling_number": draft.calling_number,
        "caller_key": caller_key(draft.calling_number),
        "repeat_of": draft.repeat_of,
        "called_number": draft.called_number,
        "protocol_call_id": draft.protocol_call_id,
        "intent": draft.intent,
        "fields": dict(draft.fields),
        "faq_topics": list(draft.faq_topics),
        "transcript": [{"at_ms": t.at_ms, "speaker": t.speaker, "text": t.text} for t in draft.transcript],
        "handoff_reason": draft.handoff_reason,
        "confidential": bool(draft.confidential or draft.fields.get("confidential")),
        "recording_ref": draft.recording_ref,
        "recording_missing": draft.recording_missing,
        "started_at": draft.started_at_ms,
        "satisfaction": draft.satisfaction,
    }
    if draft.work_order is not None:
        values.update(columns_of(draft.work_order))
    return values


def merge_draft(old: Any, new: dict[str, Any], edited: set[str]) -> dict[str, Any]:
    """Merge a newer draft into the stored row: drafts grow during a call, so nothing known is lost.

    ``edited`` names the fields people changed (``department``, ``fields.location``...): the bot's later
    saves (the caller still on the line while an agent works the ticket) never overwrite them.
    """
    m = old._mapping
    merged = dict(new)
    if new["kind"] == "partial" and m["kind"] != "partial":
        merged["kind"] = m["kind"]  # a cut-off call never downgrades a filed complaint or handoff
    fresh = {k: v for k, v in new["fields"].items() if f"fields.{k}" not in edited}
    merged["fields"] = {**(m["fields"] or {}), **fresh}
    merged["faq_topics"] = list(dict.fromkeys([*(m["faq_topics"] or []), *new["faq_topics"]]))
    if len(new["transcript"]) < len(m["transcript"] or []):
        merged["transcript"] = m["transcript"]
    for key in _KEEP_KNOWN:
        merged[key] = new[key] or m[key]
    merged["confidential"] = bool(new["confidential"] or m["confidential"])
    if new["recording_missing"]:  # the recording failed after its reference was stored: there is no file
        merged["recording_ref"] = None
    merged["started_at"] = new["started_at"] or m["started_at"]
    for key in edited & set(merged):
        merged.pop(key)
    if edited & set(AREA_COLUMNS):
        merged.pop("area_resolved", None)
    return merged
