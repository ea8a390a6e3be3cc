"""Retention covers the recorder's files: by the ticket's reference, and orphans (old or left unfinished)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from tests import handoff_support as support
from tests.handoff_support import ManualNow, draft
from tests.recording_support import file_mode
from tests.test_recording_console import record_call
from voicebot.handoff.retention import DAY_MS, purge_expired
from voicebot.handoff.retention_extra import purge_extra
from voicebot.handoff.store import SqlTicketStore
from voicebot.recording.sweep import UNFINISHED_AFTER_S

db_url = support.db_url


async def test_an_expired_tickets_recorder_file_is_deleted_with_its_personal_data(db_url: str, tmp_path: Path) -> None:
    now = ManualNow()
    store = SqlTicketStore.from_url(db_url, now_ms=now)
    await store.migrate()
    try:
        ref = record_call(tmp_path / "recordings", "expiring")
        number = await store.save(draft(call_id="expiring", recording_ref=ref))
        now.t += 8 * DAY_MS
        assert (await purge_expired(store, retention_days=7)).purged == 1
        ticket = await store.get(number)
        assert ticket is not None and ticket.recording_ref is None and file_mode(ref) is None
    finally:
        await store.close()


def age(path: Path, seconds: float) -> None:
    """Make ``path`` look last written ``seconds`` ago."""
    when = time.time() - seconds
    os.utime(path, (when, when))


async def test_orphans_old_and_unfinished_recordings_are_swept(tmp_path: Path) -> None:
    root = tmp_path / "recordings"
    kept = Path(record_call(root, "fresh"))
    orphan = Path(record_call(root, "orphan"))  # its ticket was never saved
    crashed = Path(record_call(root, "crashed", close=False) + ".part")  # the process died mid-call
    running = Path(record_call(root, "running", close=False) + ".part")  # a call on now
    age(orphan, 8 * 86_400)
    age(crashed, UNFINISHED_AFTER_S + 60)
    lonely_day = root / "2020-01-01"
    lonely_day.mkdir()
    result = await purge_extra(None, {}, 7, int(time.time() * 1000), recordings=root)
    assert result.recordings == 2
    assert file_mode(kept) == 0o600 and file_mode(running) == 0o600
    assert file_mode(orphan) is None and file_mode(crashed) is None
    assert not await asyncio.to_thread(lonely_day.exists)  # empty day directories go too
    assert (await purge_extra(None, {}, 7, int(time.time() * 1000), recordings=tmp_path / "none")).recordings == 0
