"""Retention: recordings and transcripts older than the configured days are deleted, on a schedule.

Everything else retention deletes, and its failure handling: tests/test_security_retention.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from tests import handoff_support as support
from tests.handoff_support import ManualNow, draft
from voicebot.handoff.console import create_console_app
from voicebot.handoff.retention import DAY_MS, PurgeResult, purge_expired
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings, Settings

db_url = support.db_url


async def test_purge_removes_old_recordings_and_transcripts(db_url: str, tmp_path: Path) -> None:
    now = ManualNow()
    store = SqlTicketStore.from_url(db_url, now_ms=now)
    await store.migrate()
    try:
        old_rec, new_rec = tmp_path / "old.wav", tmp_path / "new.wav"
        old_rec.write_bytes(b"old")
        new_rec.write_bytes(b"new")
        old = await store.save(draft(call_id="old", recording_ref=str(old_rec)))
        now.t += 31 * DAY_MS
        new = await store.save(draft(call_id="new", recording_ref=f"file://{new_rec}"))
        missing = await store.save(draft(call_id="gone", recording_ref=str(tmp_path / "never-written.wav")))
        assert (await purge_expired(store, retention_days=31)).purged == 0  # exactly 31 days old: not yet
        assert old_rec.exists()
        now.t += 1  # now 'old' is 31 days + 1 ms old, the others are fresh
        assert (await purge_expired(store, retention_days=31)).purged == 1
        t_old, t_new = await store.get(old), await store.get(new)
        assert t_old is not None and t_new is not None
        assert not old_rec.exists() and t_old.transcript == () and t_old.recording_ref is None
        assert t_old.purged_at == now.t and t_old.fields == {}  # the complaint's words go too
        assert new_rec.exists() and len(t_new.transcript) == 4
        assert (await purge_expired(store, retention_days=30)).purged == 0  # idempotent
        now.t += 31 * DAY_MS
        assert await purge_expired(store, retention_days=30) == PurgeResult(purged=2)  # a missing file is no error
        assert not new_rec.exists()
        t_missing = await store.get(missing)
        assert t_missing is not None and t_missing.transcript == ()
    finally:
        await store.close()


async def test_app_schedules_retention(db_url: str, tmp_path: Path) -> None:
    now = ManualNow()
    store = SqlTicketStore.from_url(db_url, now_ms=now)
    await store.migrate()
    rec = tmp_path / "r.wav"
    rec.write_bytes(b"x")
    n = await store.save(draft(recording_ref=str(rec)))
    now.t += 3 * DAY_MS
    settings = Settings(handoff=HandoffSettings(database_url=db_url, retention_days=2))
    client = TestClient(TestServer(create_console_app(store, settings, retention_interval_s=0.05)))
    await client.start_server()  # runs cleanup_ctx: the retention task starts with the app
    try:
        for _ in range(200):  # polling: there is no event to wait on (the file goes first, then the row)
            t = await store.get(n)
            if t is not None and t.purged_at is not None:
                break
            await asyncio.sleep(0.05)
        assert not rec.exists()
        assert t is not None and t.transcript == () and t.purged_at is not None
    finally:
        await client.close()
        await store.close()
