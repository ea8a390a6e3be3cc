"""Keeping one call's ticket stored: each save replaces the last with everything the call has gathered."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any, Protocol

from voicebot.call.call_context import CallContext
from voicebot.call.ticketing import draft_ticket
from voicebot.errors import VoicebotError
from voicebot.events import ErrorOccurred
from voicebot.handoff.base import TicketStore
from voicebot.workorder.book import WorkOrderBook

log = logging.getLogger(__name__)


class TicketSaving(Protocol):
    """What the conversation may ask of the call's ticket keeper."""

    async def save(self, kind: str, fields: dict[str, Any]) -> str | None:
        """Store the call's ticket as ``kind`` with extra ``fields``; return its number (None if storing failed)."""


class TicketKeeper:
    """Saves the call's pre-filled ticket durably, one save at a time (the stored kind only moves forward)."""

    def __init__(
        self, context: CallContext, store: TicketStore, book: WorkOrderBook | None, started_at_ms: int
    ) -> None:
        self._context = context
        self._store = store
        self._book = book
        self._started_at_ms = started_at_ms
        self._lock = asyncio.Lock()

    async def save(self, kind: str, fields: dict[str, Any]) -> str | None:
        """Store the call's ticket as ``kind`` with extra ``fields`` (idempotent per call); return its number.

        A failure is logged and recorded, never raised: None.
        """
        context = self._context
        draft = draft_ticket(
            context.record,
            context.line.info,
            context.lang,
            kind,
            self._started_at_ms,
            fields,
            intent=context.turn.intent,
            faq_topics=tuple(context.turn.faq_topics),
            book=self._book,
            repeat_of=context.turn.repeat_of,
        )
        recorder = context.recorder
        if recorder is not None:  # the reference is known from the call's start: agents see it at once
            draft = dataclasses.replace(draft, recording_ref=recorder.ref, recording_missing=recorder.missing)
        async with self._lock:  # one save at a time per call keeps the stored kind monotonic
            try:
                return await asyncio.shield(self._store.save(draft))
            except VoicebotError as err:
                log.error("call %s: ticket not saved: %s", context.record.call_id, err)
                await context.record.emit(ErrorOccurred(context.now_ms(), err.code, err.message))
                return None
