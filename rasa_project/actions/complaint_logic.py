"""The complaint form's slot logic as a pure function (unit-tested without Rasa).

One caller utterance can fill several slots ("朝阳区建国路工地每天晚上施工太吵"); answers to the read-back
question are confirmations, denials or corrections ("不对 是一三九……", "no, the address is ...").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from actions import parsing

# Intents that leave the form (handled by rules after the form rejects the utterance).
ESCAPE_INTENTS = frozenset({"request_human", "emergency", "goodbye", "repeat", "silence"})
FREE_TEXT_SLOTS = ("location", "incident_time", "description")
# Intents that cannot be an answer to "where?" or "when?".
NOT_AN_ANSWER = frozenset({"faq", "check_ticket_status", "out_of_scope", "greet", "thank", "affirm", "deny"})


@dataclass
class Extraction:
    """What one utterance changes in the complaint form."""

    slots: dict[str, Any] = field(default_factory=dict)
    """Slot updates (a ``None`` value clears a slot so the form asks again)."""
    responses: list[str] = field(default_factory=list)
    """Responses to utter first (e.g. ``utter_invalid_phone``)."""


def _entity(entities: list[dict[str, Any]], name: str) -> str | None:
    values = [str(e.get("value")) for e in entities if e.get("entity") == name and e.get("value")]
    return " ".join(values) if values else None


def explicit_fields(text: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the fields the utterance states explicitly (entities, cues, keywords, digits)."""
    found: dict[str, Any] = {}
    cat = parsing.canonical_category(_entity(entities, "complaint_category")) or parsing.category(text)
    if cat:
        found["complaint_category"] = cat
    place = parsing.location_cue(text) or _entity(entities, "location")
    if not place and parsing.has_hanzi(text):
        place = parsing.place_words(text)
    if place:
        found["location"] = place
    when = parsing.incident_time(text) or _entity(entities, "incident_time")
    if when:
        found["incident_time"] = when
    phone = parsing.phone_number(text)
    if phone:
        found["callback_phone"] = phone
    elif parsing.wants_anonymous(text):
        found["callback_phone"] = "anonymous"
    secret = parsing.confidentiality(text)
    if secret is not None:
        found["confidential"] = secret
    return found


def extract(
    text: str, intent: str | None, entities: list[dict[str, Any]], requested: str | None, slots: dict[str, Any]
) -> Extraction:
    """Return the slot updates for one caller utterance while the complaint form runs."""
    out = Extraction()
    if intent in ESCAPE_INTENTS or not text.strip() or text.startswith("/"):
        return out
    found = explicit_fields(text, entities)
    if requested == "complaint_confirmed":
        return _confirmation(text, intent, found, slots)
    # Several details in one sentence: fill every empty slot the utterance mentions.
    for name, value in found.items():
        if slots.get(name) is None or name == requested:
            out.slots[name] = value
    if requested is None and intent == "file_complaint" and slots.get("description") is None:
        if parsing.substantive(text):
            out.slots["description"] = text.strip()
    if requested in ("location", "incident_time") and intent in NOT_AN_ANSWER and not found.get(requested):
        # A question instead of an answer: the form rejects it and the rules answer it, then ask again.
        return Extraction({k: v for k, v in out.slots.items() if k != requested})
    if requested in FREE_TEXT_SLOTS:
        # The answer to the question asked is the caller's own words (a cue like "地址是" is dropped).
        cued = parsing.location_cue(text) if requested == "location" else found.get(requested)
        answer = cued or parsing.clean(text)
        if answer:
            out.slots[requested] = answer
    if requested == "complaint_category" and "complaint_category" not in out.slots and intent not in ("affirm", "deny"):
        out.slots["complaint_category"] = "other"
        if slots.get("description") is None:
            out.slots["description"] = text.strip()
    if requested == "callback_phone" and "callback_phone" not in out.slots and parsing.partial_digits(text):
        out.slots["callback_phone"] = None
        out.responses.append("utter_invalid_phone")
    if requested == "confidential" and "confidential" not in out.slots and intent in ("affirm", "deny"):
        out.slots["confidential"] = intent == "affirm"
    if out.slots.get("callback_phone") == "anonymous" and slots.get("confidential") is None:
        out.slots.setdefault("confidential", True)
    return out


def _confirmation(text: str, intent: str | None, found: dict[str, Any], slots: dict[str, Any]) -> Extraction:
    out = Extraction()
    corrections = {k: v for k, v in found.items() if v != slots.get(k)}
    if corrections:
        out.slots.update(corrections)
        out.slots["complaint_confirmed"] = None
        out.slots["correction_pending"] = False
    elif intent == "affirm":
        out.slots["complaint_confirmed"] = True
        out.slots["correction_pending"] = False
    elif intent == "deny":
        out.slots["complaint_confirmed"] = None
        out.slots["correction_pending"] = True
    elif slots.get("correction_pending") and parsing.clean(text):
        # "Which part is wrong?" answered with new words: they replace the description.
        out.slots["description"] = parsing.clean(text)
        out.slots["complaint_confirmed"] = None
        out.slots["correction_pending"] = False
    return out


def ticket_fields(slots: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
    """Return the ``file_ticket`` directive's fields for a confirmed complaint."""
    phone = slots.get("callback_phone")
    anonymous = phone == "anonymous"
    return {
        "kind": "complaint",
        "complaint_category": slots.get("complaint_category") or "other",
        "location": slots.get("location"),
        "incident_time": slots.get("incident_time"),
        "description": slots.get("description"),
        "callback_phone": None if anonymous else phone,
        "anonymous": anonymous,
        "confidential": bool(slots.get("confidential")) or anonymous,
        "calling_number": metadata.get("calling_number") or None,
        "lang": slots.get("lang"),
    }
