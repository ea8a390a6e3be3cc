"""What the call session needs from a dialogue engine, and the turn it gets back.

Directives travel from Rasa as ``custom`` payloads on bot messages:

* ``{"directive": "handoff", "reason": "caller-request", "slots": {...}}``
* ``{"directive": "file_ticket", "fields": {...}}`` (the bot stores the ticket and
  then speaks the stored ticket number itself)
* ``{"directive": "hangup"}``
* ``{"directive": "ticket_status", "ticket_number": "..."}`` (the bot looks it up and says it)
* ``{"expect": "number"}`` / ``{"expect": "yes_no"}``: what kind of answer the bot just asked for
* ``{"asked": "location"}``: which field the bot just asked for (else the tracker's ``requested_slot``)
* ``{"intent": "...", "faq_topic": "...", "slots": {...}}``: what the engine understood (records and QA)
* ``{"interruptible": false}``: caller speech must not cut the text of the same response (Rasa sends a response's
  text, then its custom payload: the flag marks the utterance just before it); a key press still does
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Handoff:
    """Hand the call to a human agent."""

    reason: str
    """Why: ``caller-request``, ``dtmf-0``, ``misunderstood``, ``out-of-scope``, ``dialogue-failed``..."""
    slots: dict[str, Any] = field(default_factory=dict)
    """Everything the dialogue collected so far, for the pre-filled ticket."""


@dataclass(frozen=True, slots=True)
class FileTicket:
    """Store a complaint/report ticket with these fields, then tell the caller its number.

    ``fields["kind"] == "callback"``: the caller took a callback offered outside agents' hours; the ticket
    becomes a callback due and the call ends.
    """

    fields: dict[str, Any]
    """Complaint fields (category, location, incident_time, description, callback_phone...)."""


@dataclass(frozen=True, slots=True)
class TicketStatus:
    """Look up a ticket's status and tell the caller."""

    ticket_number: str
    """The number the caller gave."""


@dataclass(frozen=True, slots=True)
class Hangup:
    """End the call after the bot finished speaking."""


Directive = Handoff | FileTicket | TicketStatus | Hangup


@dataclass(frozen=True, slots=True)
class BotTurn:
    """What the bot says and does in answer to one caller utterance."""

    utterances: tuple[str, ...]
    """Sentences to speak, in order."""
    directives: tuple[Directive, ...] = ()
    """Structured actions, applied after speaking the utterances."""
    intent: str | None = None
    """The caller's intent as the engine understood it, when known (for records and QA)."""
    slots: dict[str, Any] = field(default_factory=dict)
    """The engine's slots after this turn, when known (for records and QA)."""
    expect: str | None = None
    """What the bot asked for: ``number`` (phone or ticket number: longer pauses allowed, DTMF digits welcome),
    ``yes_no``, or ``None``. Sent by Rasa as a custom payload ``{"expect": "number"}``."""
    faq_topic: str | None = None
    """The FAQ topic answered (``faq/office_hours``...), when this turn answered one."""
    faq_index: int | None = None
    """Which of ``utterances`` is the FAQ answer (the text Rasa sent just before the ``faq_topic`` payload); the
    bot replaces it with the answer supervisors keep in the knowledge base (``voicebot.knowledge``)."""
    asked: str | None = None
    """The field the bot just asked for (``location``, ``callback_phone``, ``complaint_confirmed``...): a custom
    payload ``{"asked": NAME}``, else the dialogue's ``requested_slot``; ``None`` when it asked for nothing."""
    uninterruptible: tuple[int, ...] = ()
    """Indexes into ``utterances`` of those caller speech must not cut (read-backs of numbers, legal notices):
    a custom payload ``{"interruptible": false}`` after the text."""


class DialogueEngine(Protocol):
    """A conversational engine answering one caller utterance at a time."""

    async def respond(self, call_id: str, text: str, lang: str, metadata: dict[str, Any]) -> BotTurn:
        """Return the bot's turn for the caller's ``text``; raise ``DialogueError`` on failure."""
