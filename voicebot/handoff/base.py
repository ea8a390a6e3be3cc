"""The ticket a call leaves behind, and what the session needs from a ticket store."""

from __future__ import annotations

import asyncio
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from voicebot.workorder.model import WorkOrder


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    """One line of the call transcript."""

    at_ms: int
    """Call time."""
    speaker: str
    """``caller`` or ``bot``."""
    text: str
    """Words."""


@dataclass(frozen=True, slots=True)
class TicketDraft:
    """Everything the bot knows about a call, to be stored as (or merged into) its ticket."""

    call_id: str
    """Call id; one ticket per call, so saving again updates rather than duplicates."""
    kind: str
    """``complaint`` (form confirmed), ``handoff`` (to an agent), ``callback``, ``partial`` (call under way or cut
    off), ``resolved`` (the bot answered everything)."""
    language: str = "zh-CN"
    """Call language."""
    channel: str = ""
    """Line protocol (sip, twilio, websocket, file...)."""
    calling_number: str = ""
    """Caller's number as the switch gave it."""
    called_number: str = ""
    """Dialled number."""
    protocol_call_id: str = ""
    """The switch's call id."""
    intent: str | None = None
    """Last understood intent."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Complaint fields (category, location, incident_time, description, callback_phone, confidential...)."""
    faq_topics: tuple[str, ...] = ()
    """FAQ topics the caller asked about."""
    transcript: tuple[TranscriptLine, ...] = ()
    """Full transcript so far."""
    handoff_reason: str | None = None
    """Why the call went to a human, if it did."""
    confidential: bool = False
    """The caller asked for confidentiality."""
    recording_ref: str | None = None
    """Where the call's recording is kept."""
    recording_missing: bool = False
    """The call was to be recorded but the recording failed (disk full): there is none."""
    started_at_ms: int = 0
    """Wall-clock epoch ms when the call started."""
    work_order: WorkOrder | None = None
    """The 12345 work order built from ``fields`` (complaint, handoff and callback tickets)."""
    satisfaction: int | None = None
    """The caller's rating of a call the bot resolved: 1 (very satisfied) to 5 (very dissatisfied); ``None``: not
    asked or not given (``voicebot.call.rating_words``)."""
    repeat_of: str | None = None
    """The caller's open ticket this call follows up (重复件), when they said it is the same problem again."""


@dataclass(frozen=True, slots=True)
class TicketBrief:
    """What the bot may tell a caller about a ticket, and the numbers on it to check who is asking."""

    number: str
    """Speakable ticket number."""
    status: str
    """``new``, ``queued``, ``claimed``, ``callback_due`` or ``resolved``."""
    department: str | None = None
    """The department handling it (承办单位), once routed."""
    deadline_at: int | None = None
    """Epoch ms by which it must be handled (办理时限), when the ticket has a work order."""
    caller_key: str = ""
    """The calling number it was filed from, normal form (``""``: withheld)."""
    callback_key: str = ""
    """The callback number on it (the caller's stated one, else the calling number), normal form."""
    created_at: int = 0
    """Epoch ms it was first saved."""


class TicketStore(Protocol):
    """Durable ticket storage (SQLite by default, PostgreSQL when configured)."""

    async def save(self, draft: TicketDraft) -> str:
        """Store or update the call's ticket durably and return its speakable number."""

    async def status(self, number: str) -> str | None:
        """Return the ticket's current status (``new``, ``queued``...) or ``None`` if unknown."""

    async def brief(self, number: str) -> TicketBrief | None:
        """Return what may be told about ticket ``number`` (``None`` if unknown)."""

    async def open_for(self, caller_key: str, limit: int = 3) -> tuple[TicketBrief, ...]:
        """Return the open tickets filed from ``caller_key`` (a normal-form number), newest first."""


class QueueSpot(Protocol):
    """Where a waiting caller stands."""

    @property
    def position(self) -> int:
        """1 = next to be answered."""

    @property
    def estimated_wait_s(self) -> int:
        """Expected seconds until an agent answers."""


class WaitingQueue(Protocol):
    """The human agents' queue, as the call session sees it."""

    def is_open(self, now: datetime) -> bool:
        """Return whether agents are working at ``now``."""

    def next_open(self, now: datetime) -> datetime | None:
        """Return when agents next work."""

    async def enqueue(self, number: str, actor: str = "bot") -> QueueSpot:
        """Queue the ticket's caller (idempotent) and return their place."""

    async def position(self, number: str) -> QueueSpot | None:
        """Return the caller's place, or ``None`` once the ticket is no longer queued (claimed...)."""

    async def status(self, number: str) -> str | None:
        """Return the ticket's status now (``queued``, ``claimed``, ``callback_due``, ``resolved``...), or None."""

    async def request_callback(self, number: str, callback_number: str, actor: str = "bot") -> None:
        """Turn the waiting caller into a callback (status ``callback_due``)."""

    async def requeue(self, number: str, reason: str, actor: str = "bot") -> bool:
        """Give a claimed ticket back to the queue (the transfer failed); return whether it was claimed."""

    def watch(self, number: str) -> AbstractContextManager[asyncio.Event]:
        """Return a context whose event is set as soon as ticket ``number`` may have changed."""
