"""A ticket spool: when the database is away, tickets go to a local journal and are written later.

``SpooledTicketStore`` wraps the ``SqlTicketStore``. A save that fails (database down, disk full on the
server...) is appended to a JSON-lines journal and fsynced before the caller hears a number, then a background
flusher replays the journal into the database. Nothing is lost and nothing is duplicated: the store's save is
idempotent per call id, so an entry replayed twice (a crash between writing and forgetting it) only updates the
same ticket. The number the caller hears is generated here and the store is asked to use it, so it is the number
finally stored (unless it collided with another call's ticket, one chance in tens of millions: then logged).

Several processes may share one journal (two bots on one machine): every change holds an exclusive ``flock`` on a
lock file beside it, and entries carry ids, so one process's flush never forgets another's unsaved entries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from voicebot.errors import TicketError
from voicebot.handoff.base import TicketBrief, TicketDraft
from voicebot.handoff.journal import Journal, SpoolEntry, decode_entry, encode_entry, spool_path_for
from voicebot.handoff.store import wall_ms
from voicebot.handoff.ticket import log_number, new_number
from voicebot.runtime.aio import cancel_and_wait

__all__ = ["Journal", "NumberedStore", "SpoolEntry", "SpooledTicketStore", "decode_entry", "encode_entry",
           "spool_path_for"]  # the journal's names stay importable from here

log = logging.getLogger(__name__)

FLUSH_INTERVAL_S = 2.0
"""How often the flusher retries the database while entries wait."""


class NumberedStore(Protocol):
    """A ticket store that can be asked to use a given number for a new ticket (``SqlTicketStore``)."""

    async def save(self, draft: TicketDraft, number: str | None = None) -> str:
        """Store or update the call's ticket and return its number."""

    async def status(self, number: str) -> str | None:
        """Return the ticket's status."""

    async def brief(self, number: str) -> TicketBrief | None:
        """Return what may be told about a ticket."""

    async def open_for(self, caller_key: str, limit: int = 3) -> tuple[TicketBrief, ...]:
        """Return a calling number's open tickets."""


class SpooledTicketStore:
    """A ``TicketStore`` that never loses a ticket while the database is away."""

    def __init__(
        self,
        store: NumberedStore,
        journal_path: Path,
        *,
        interval_s: float = FLUSH_INTERVAL_S,
        numbers: Callable[[], str] = new_number,
        now_ms: Callable[[], int] = wall_ms,
    ) -> None:
        self.store = store
        """The database store."""
        self.journal = Journal(journal_path)
        """The local journal."""
        self.interval_s = interval_s
        """Seconds between flush attempts."""
        self._numbers = numbers
        self.now_ms = now_ms
        """Epoch-ms clock stamping journal entries (injectable for tests)."""
        self._known: dict[str, str] = {}
        self._pending_calls: dict[str, int] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._flush_lock = asyncio.Lock()

    @property
    def pending(self) -> int:
        """Return how many journalled saves this process knows are waiting."""
        return sum(self._pending_calls.values())

    async def start(self) -> None:
        """Load the journal left by an earlier run and start the background flusher."""
        for entry in await asyncio.to_thread(self.journal.read):
            self._note_pending(entry)
        if self._pending_calls:
            log.warning("ticket spool: %d saves from an earlier run wait for the database", self.pending)
        self._flusher = asyncio.create_task(self._flush_forever(), name="ticket-spool-flusher")

    async def aclose(self) -> None:
        """Stop the flusher after one last attempt; what is still journalled waits for the next start."""
        if self._flusher is not None:
            await cancel_and_wait(self._flusher)
            self._flusher = None
        with contextlib.suppress(TicketError):
            await self.flush()

    async def save(self, draft: TicketDraft) -> str:
        """Save to the database, or journal the save if it is away; return the number the caller hears."""
        call_id = draft.call_id
        if call_id not in self._pending_calls:  # an earlier save of this call still waits: keep the order
            try:
                number = await self.store.save(draft, self._known.get(call_id))
            except TicketError as err:
                log.warning("call %s: database away (%s), ticket spooled", call_id, err.code)
            else:
                self._known[call_id] = number
                return number
        number = self._known.setdefault(call_id, self._numbers())
        entry = SpoolEntry(uuid.uuid4().hex, number, draft, self.now_ms())
        try:
            await asyncio.to_thread(self.journal.append, entry)
        except OSError as err:
            raise TicketError("ticket-spool-failed", f"cannot journal the ticket of call {call_id}: {err}") from err
        self._note_pending(entry)
        self._wake.set()
        log.info("call %s: ticket %s journalled (%s)", call_id, log_number(number), draft.kind)
        return number

    async def status(self, number: str) -> str | None:
        """Return the stored status; a journalled ticket not yet written is ``new``."""
        try:
            found = await self.store.status(number)
        except TicketError:
            found = None
        except Exception as err:  # the store's reads raise driver errors when the database is away
            log.warning("ticket status unavailable (%s)", type(err).__name__)
            found = None
        if found is None and number in self._known.values() and self.pending:
            return "new"
        return found

    async def brief(self, number: str) -> TicketBrief | None:
        """Return the stored ticket's brief (raises ``TicketError`` while the database is away)."""
        return await self.store.brief(number)

    async def open_for(self, caller_key: str, limit: int = 3) -> tuple[TicketBrief, ...]:
        """Return a calling number's open tickets in the database (a journalled one is not known yet)."""
        return await self.store.open_for(caller_key, limit)

    async def flush(self) -> int:
        """Write journalled saves to the database in order; return how many remain (raises nothing on failure)."""
        async with self._flush_lock:
            entries = await asyncio.to_thread(self.journal.read)
            saved: set[str] = set()
            for entry in entries:
                try:
                    stored = await self.store.save(entry.draft, entry.number)
                except TicketError as err:
                    log.info("ticket spool: database still away (%s), %d waiting", err.code, len(entries) - len(saved))
                    break
                if stored != entry.number:
                    log.error("call %s: spooled ticket %s stored as %s (number taken)", entry.draft.call_id,
                              log_number(entry.number), log_number(stored))
                self._known[entry.draft.call_id] = stored
                saved.add(entry.entry_id)
            if not saved:
                return len(entries)
            remaining = await asyncio.to_thread(self.journal.forget, saved)
            self._pending_calls = {}  # what waits now, whichever process journalled or flushed it
            for entry in remaining:
                self._note_pending(entry)
            log.info("ticket spool: %d saves written to the database, %d waiting", len(saved), len(remaining))
            return len(remaining)

    async def purge_expired(self, cutoff_ms: int) -> int:
        """Drop journalled saves older than ``cutoff_ms`` (retention: never written, now too old); return how many."""
        async with self._flush_lock:
            dropped, remaining = await asyncio.to_thread(self.journal.drop_older, cutoff_ms)
            if dropped:
                self._pending_calls = {}
                for entry in remaining:
                    self._note_pending(entry)
                log.warning("ticket spool: %d saves older than the retention period deleted unwritten", dropped)
            return dropped

    def _note_pending(self, entry: SpoolEntry) -> None:
        self._known.setdefault(entry.draft.call_id, entry.number)
        self._pending_calls[entry.draft.call_id] = self._pending_calls.get(entry.draft.call_id, 0) + 1

    async def _flush_forever(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval_s)
            self._wake.clear()
            if not self.pending and not await asyncio.to_thread(self.journal.path.exists):
                continue
            try:
                await self.flush()
            except OSError as err:
                log.error("ticket spool: journal unreadable (%s)", err)
