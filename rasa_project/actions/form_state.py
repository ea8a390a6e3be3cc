"""The complaint form's state as the slot logic sees it (read from the tracker's slots)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

COMPLAINT_SLOTS = ("complaint_category", "location", "incident_time", "description", "callback_phone", "confidential")
"""The complaint's fields. The form asks for all but ``complaint_category``, in order (the read-back
``complaint_confirmed`` comes last): the category is read from the caller's own account, never asked as a menu of
kinds (GB/T 33358: no IVR menus; classifying is the agent's work, the bot only suggests)."""
DETAIL_SLOTS = ("request_type", "opening", "location_parts", "incident_time_norm", "phone_kind", "id_number",
                "field_words", "flags")
"""Slots the form fills alongside the asked ones: normalised parts, the caller's words, flags for the agent."""
BOOKKEEPING_SLOTS = ("complaint_confirmed", "correction_pending", "reasked", "last_filled", "misunderstood_last",
                     "has_opening")
"""Slots that steer the form."""


@dataclass(frozen=True, slots=True)
class FormState:
    """What the slot logic needs to know about the form before this utterance."""

    slots: dict[str, Any]
    """The asked fields' values (``None`` = not filled yet)."""
    requested: str | None = None
    """The slot the form just asked for."""
    lang: str = "zh-CN"
    """Call language."""
    base_time: datetime | None = None
    """The call's time (relative times like "昨天晚上" are read from it); None means now."""
    extra: dict[str, Any] = field(default_factory=dict)
    """The detail slots (``DETAIL_SLOTS``)."""
    reasked: str | None = None
    """The slot already asked a second time (its next failed answer is kept as flagged free text)."""
    last_filled: str | None = None
    """The slot filled most recently (the target of a correction that names none)."""
    correction_pending: bool = False
    """The caller said the read-back was wrong without saying what."""
    misunderstood_last: bool = False
    """The previous utterance was not understood (a second one in a row hands off)."""
    tries: int = 0
    """Earlier caller turns spent on the slot asked now (0: this is the first answer to its question)."""

    @property
    def words(self) -> dict[str, str]:
        """Return the caller's own words per field so far."""
        return dict(self.extra.get("field_words") or {})


def tries_on(events: list[dict[str, Any]], requested: str | None) -> int:
    """Return how many caller turns before the latest one were spent on ``requested`` (tracker events, oldest
    first): those since the form last asked for another slot."""
    if requested is None:
        return 0
    users, since_first_ask = 0, 0
    for event in reversed(events):
        if event.get("event") == "user":
            users += 1
        elif event.get("event") == "slot" and event.get("name") == "requested_slot":
            if event.get("value") != requested:
                break
            since_first_ask = users  # the caller turns after this ask (the form may ask the same slot again)
    return max(since_first_ask - 1, 0)


def state_from_slots(values: dict[str, Any], requested: str | None, lang: str,
                     base_time: datetime | None = None, tries: int = 0) -> FormState:
    """Build the form state from the tracker's slot values."""
    return FormState(
        slots={name: values.get(name) for name in COMPLAINT_SLOTS},
        requested=requested,
        lang=lang,
        base_time=base_time,
        extra={name: values.get(name) for name in DETAIL_SLOTS},
        reasked=values.get("reasked"),
        last_filled=values.get("last_filled"),
        correction_pending=bool(values.get("correction_pending")),
        misunderstood_last=bool(values.get("misunderstood_last")),
        tries=tries,
    )


def flagged(state: FormState, updates: dict[str, Any] | Any, name: str, code: str) -> list[dict[str, str]]:
    """Return the flag list with ``{"field": name, "code": code}`` added once."""
    pending = updates.slots if hasattr(updates, "slots") else updates
    flags = list(pending.get("flags") or state.extra.get("flags") or [])
    entry = {"field": name, "code": code}
    if entry not in flags:
        flags.append(entry)
    return flags
