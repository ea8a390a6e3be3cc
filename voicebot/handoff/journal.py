"""The ticket spool's journal: JSON lines of saves waiting for the database, ``flock``-guarded, owner-only.

One file per database (``spool_path_for``), mode 0600 from the first append through every rewrite: it holds
callers' numbers and words. Entries carry the time they were journalled, so retention can drop old ones.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from voicebot.handoff.base import TicketDraft, TranscriptLine
from voicebot.workorder.model import WorkOrder

log = logging.getLogger(__name__)

FILE_MODE = 0o600
"""The journal and its lock file: owner read/write only."""


@dataclass(frozen=True, slots=True)
class SpoolEntry:
    """One journalled save."""

    entry_id: str
    """Unique id of this entry (what a flush removes)."""
    number: str
    """The ticket number the caller was told."""
    draft: TicketDraft
    """The draft to save."""
    at_ms: int = 0
    """Epoch ms it was journalled (0: written before entries carried it; the call's start then counts)."""

    @property
    def age_from_ms(self) -> int:
        """Return the epoch ms retention counts from (0 when unknown)."""
        return self.at_ms or self.draft.started_at_ms


def spool_path_for(database_url: str, directory: Path) -> Path:
    """Return the journal for a database: one per database, so tests and deployments never mix tickets."""
    safe = make_url(database_url).render_as_string(hide_password=True)
    digest = hashlib.sha256(safe.encode()).hexdigest()[:12]
    return directory / f"tickets-{digest}.jsonl"


def encode_entry(entry: SpoolEntry) -> str:
    """Return the entry as one JSON line (without the newline)."""
    return json.dumps({"id": entry.entry_id, "number": entry.number, "at": entry.at_ms,
                       "draft": dataclasses.asdict(entry.draft)}, ensure_ascii=False)  # fmt: skip


def decode_entry(line: str) -> SpoolEntry:
    """Parse one journal line (raises ``ValueError``/``KeyError``/``TypeError`` on a bad one)."""
    data = json.loads(line)
    raw: dict[str, Any] = dict(data["draft"])
    raw["transcript"] = tuple(TranscriptLine(**t) for t in raw.get("transcript", ()))
    raw["faq_topics"] = tuple(raw.get("faq_topics", ()))
    raw["work_order"] = WorkOrder.from_json(raw["work_order"]) if raw.get("work_order") else None
    return SpoolEntry(str(data["id"]), str(data["number"]), TicketDraft(**raw), int(data.get("at") or 0))


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
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def append(self, entry: SpoolEntry) -> None:
        """Append one entry and fsync it before returning."""
        with self._locked():
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
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
        return self._rewrite(lambda e: e.entry_id not in entry_ids)[1]

    def drop_older(self, cutoff_ms: int) -> tuple[int, list[SpoolEntry]]:
        """Remove entries journalled before ``cutoff_ms`` (retention); return how many and those that remain."""
        if not self.path.exists():
            return 0, []
        return self._rewrite(lambda e: not 0 < e.age_from_ms < cutoff_ms)

    def _rewrite(self, keep: Callable[[SpoolEntry], bool]) -> tuple[int, list[SpoolEntry]]:
        with self._locked():
            entries = self._read_unlocked()
            remaining = [e for e in entries if keep(e)]
            dropped = len(entries) - len(remaining)
            if not remaining:
                self.path.unlink(missing_ok=True)
            elif dropped:
                tmp = self.path.with_name(self.path.name + ".tmp")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
                os.fchmod(fd, FILE_MODE)  # a temp file left by a crash would keep its old mode
                with open(fd, "w", encoding="utf-8") as out:
                    out.writelines(encode_entry(e) + "\n" for e in remaining)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, self.path)
            return dropped, remaining
