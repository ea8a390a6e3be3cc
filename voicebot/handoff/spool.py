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
import dataclasses
import fcntl
import hashlib
import json
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.engine import make_url

from voicebot.errors import TicketError
from voicebot.handoff.base import TicketDraft, TranscriptLine
from voicebot.handoff.ticket import log_number, new_number
from voicebot.workorder.model import WorkOrder

log = logging.getLogger(__name__)

FLUSH_INTERVAL_S = 2.0
"""How often the flusher retries the database while entries wait."""


class NumberedStore(Protocol):
    """A ticket store that can be asked to use a given number for a new ticket (``SqlTicketStore``)."""

    async def save(self, draft: TicketDraft, number: str | None = None) -> str:
        """Store or update the call's ticket and return its number."""

    async def status(self, number: str) -> str | None:
        """Return the ticket's status."""


@dataclass(frozen=True, slots=True)
class SpoolEntry:
    """One journalled save."""

    entry_id: str
    """Unique id of this entry (what a flush removes)."""
    number: str
    """The ticket number the caller was told."""
    draft: TicketDraft
    """The draft to save."""


def spool_path_for(database_url: str, directory: Path) -> Path:
    """Return the journal for a database: one per database, so tests and deployments never mix tickets."""
    safe = make_url(database_url).render_as_string(hide_password=True)
    digest = hashlib.sha256(safe.encode()).hexdigest()[:12]
    return directory / f"tickets-{digest}.jsonl"


def encode_entry(entry: SpoolEntry) -> str:
    """Return the entry as one JSON line (without the newline)."""
    return json.dumps({"id": entry.entry_id, "number": entry.number, "draft": dataclasses.asdict(entry.draft)},
                      ensure_ascii=False)  # fmt: skip


def decode_entry(line: str) -> SpoolEntry:
    """Parse one journal line (raises ``ValueError``/``KeyError``/``TypeError`` on a bad one)."""
    data = json.loads(line)
    raw: dict[str, Any] = dict(data["draft"])
    raw["transcript"] = tuple(TranscriptLine(**t) for t in raw.get("transcript", ()))
    raw["faq_topics"] = tuple(raw.get("faq_topics", ()))
    raw["work_order"] = WorkOrder.from_json(raw["work_order"]) if raw.get("work_order") else None
    return SpoolEntry(str(data["id"]), str(data["number"]), TicketDraft(**raw))


class Journal:
    """The append-only JSON-lines file, guarded by an exclusive ``flock`` for every change (blocking calls)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        """The journal file."""
        self.lock_path = path.with_name(path.name + ".lock")
        """The lock file (the journal itself is replaced on rewrite)."""

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def append(self, entry: SpoolEntry) -> None:
        """Append one entry and fsync it before returning."""
        with self._locked():
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (encode_entry(entry) + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)

    def _read_unlocked(self) -> list[SpoolEntry]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        entries = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                entries.append(decode_entry(line))
            except (ValueError, KeyError, TypeError) as err:  # a torn last line after a crash mid-write
                log.error("ticket spool %s: skipped an unreadable line (%s)", self.path, err)
        return entries

    def read(self) -> list[SpoolEntry]:
        """Return every entry, oldest first."""
        if not self.path.exists():  # nothing journalled (no lock file is made for a journal never written)
            return []
        with self._locked():
            return self._read_unlocked()

    def forget(self, entry_ids: set[str]) -> list[SpoolEntry]:
        """Remove saved entries (atomically: temp file, fsync, rename); return those that remain."""
        with self._locked():
            remaining = [e for e in self._read_unlocked() if e.entry_id not in entry_ids]
            if not remaining:
                self.path.unlink(missing_ok=True)
                return remaining
            tmp = self.path.with_name(self.path.name + ".tmp")
            with open(tmp, "w", encoding="utf-8") as out:
                out.writelines(encode_entry(e) + "\n" for e in remaining)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
            return remaining


class SpooledTicketStore:
    """A ``TicketStore`` that never loses a ticket while the database is away."""

    def __init__(
        self,
        store: NumberedStore,
        journal_path: Path,
        *,
        interval_s: float = FLUSH_INTERVAL_S,
        numbers: Callable[[], str] = new_number,
    ) -> None:
        self.store = store
        """The database store."""
        self.journal = Journal(journal_path)
        """The local journal."""
        self.interval_s = interval_s
        """Seconds between flush attempts."""
        self._numbers = numbers
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
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
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
        entry = SpoolEntry(uuid.uuid4().hex, number, draft)
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
