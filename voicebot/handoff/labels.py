"""Field keys and stored codes in words, in the page language (statuses, kinds, complaint fields, yes/no)."""

from __future__ import annotations

from typing import Any

from voicebot.errors import VoicebotError
from voicebot.i18n import N_, _, current
from voicebot.workorder.book import WorkOrderBook

STATUS = {
    "new": N_("New"),
    "queued": N_("Queued"),
    "claimed": N_("Claimed"),
    "callback_due": N_("Callback due"),
    "resolved": N_("Resolved"),
}
"""Ticket statuses (``voicebot.handoff.ticket.STATUSES``)."""

KIND = {
    "complaint": N_("Complaint"),
    "handoff": N_("Transfer to an agent"),
    "callback": N_("Callback request"),
    "partial": N_("Unfinished call"),
}
"""Ticket kinds."""

FIELD = {
    "request_type": N_("Request type"),
    "complaint_category": N_("Category"),
    "category": N_("Category"),
    "location": N_("Address"),
    "incident_time": N_("Time of the incident"),
    "description": N_("Description"),
    "callback_phone": N_("Callback number"),
    "confidential": N_("Confidential"),
    "complaint_confirmed": N_("Confirmed by the caller"),
    "id_number": N_("ID number"),
    "ticket_number": N_("Ticket number"),
    "in_danger": N_("Caller in danger"),
    "callback_offered": N_("Callback offered"),
    "words": N_("The caller's own words"),
}
"""Complaint fields (the action server's slot names)."""

YES_NO_FIELDS = frozenset({"confidential", "complaint_confirmed", "in_danger", "callback_offered"})
"""Complaint fields holding a yes/no answer."""

BOT_CATEGORY = {
    "noise": N_("Noise"),
    "sanitation": N_("Sanitation"),
    "traffic": N_("Traffic"),
    "property": N_("Property management"),
    "utilities": N_("Water, power and gas"),
    "consumer": N_("Consumer rights"),
    "labor": N_("Labour and wages"),
    "safety_hazard": N_("Safety hazard"),
    "other": N_("Other"),
}
"""The action server's ``complaint_category`` codes (``voicebot.workorder.taxonomy.BOT_CATEGORIES``)."""

CALL_LANGUAGE = {"zh-CN": N_("Chinese"), "en-US": N_("English")}
"""A call's language."""

SPEAKER = {"bot": N_("Bot"), "caller": N_("Caller"), "agent": N_("Agent")}
"""Transcript speakers."""

ROLE = {"agent": N_("agent"), "supervisor": N_("supervisor")}
"""Console roles."""

REASON = {"line-lost": N_("the line was lost")}
"""Handoff reasons the console knows (others shown as stored)."""


ERROR = {
    "ticket-not-found": N_("There is no such ticket."),
    "ticket-not-queueable": N_("This ticket cannot be queued again: it was claimed or closed meanwhile."),
    "ticket-not-claimable": N_("This ticket is not open for claiming: another agent took it or it is closed."),
    "ticket-closed": N_("This ticket is already resolved."),
}
"""What the console says when a ticket action is refused (``TicketError`` codes)."""


def error_text(err: VoicebotError) -> str:
    """Return a refused action's reason in words (a work-order value keeps its detail: it names the value)."""
    if err.code == "workorder-bad-value":
        return _("Not saved, a value is not in the operator files: {detail}").format(detail=err.message)
    return _(ERROR[err.code]) if err.code in ERROR else err.message


def word(table: dict[str, str], code: str | None) -> str:
    """Return ``code`` in words from a table of marked messages (unknown codes as they are)."""
    if code is None:
        return ""
    return _(table[code]) if code in table else code


def yes_no(value: Any) -> str:
    """Return a yes/no answer in words."""
    truthy = value is True or str(value).strip().lower() in ("true", "yes", "1", "是")
    return _("Yes") if truthy else _("No")


def field_label(key: str) -> str:
    """Return a complaint field's name in words (unknown keys as they are)."""
    return word(FIELD, key)


def field_value(book: WorkOrderBook, key: str, value: Any) -> str:
    """Return a complaint field's value in words (codes named, yes/no answered, the rest as the caller said)."""
    if key in YES_NO_FIELDS:
        return yes_no(value)
    if key == "request_type" and str(value) in book.taxonomy.request_types:
        return book.taxonomy.request_types[str(value)].of(current())
    if key in ("complaint_category", "category"):
        return word(BOT_CATEGORY, str(value))
    return "" if value is None else str(value)


def choices(book: WorkOrderBook, key: str) -> list[tuple[str, str]] | None:
    """Return the (code, words) a complaint field may take, or ``None`` for free text."""
    if key in YES_NO_FIELDS:
        return [("false", _("No")), ("true", _("Yes"))]
    if key == "request_type":
        return [(code, label.of(current())) for code, label in book.taxonomy.request_types.items()]
    if key in ("complaint_category", "category"):
        return [(code, _(text)) for code, text in BOT_CATEGORY.items()]
    return None
