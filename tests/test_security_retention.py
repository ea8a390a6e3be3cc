"""Retention deletes every kind of personal data, one ticket at a time, on SQLite and PostgreSQL (issue 12)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from tests import handoff_support as support
from tests.handoff_support import ManualNow, draft
from voicebot.errors import ConfigError
from voicebot.handoff.db import make_engine
from voicebot.handoff.retention import DAY_MS, PurgeResult, purge_expired
from voicebot.handoff.retention_extra import ExtraPurge, purge_extra
from voicebot.handoff.schema import ticket_changes, ticket_history, tickets
from voicebot.handoff.spool import SpooledTicketStore
from voicebot.handoff.store import SqlTicketStore
from voicebot.handoff.trackers import events, purge_trackers
from voicebot.rasa.supervisor import RASA_DIR
from voicebot.settings import HandoffSettings, WorkOrderSettings, load_settings
from voicebot.workorder.book import load_book
from voicebot.workorder.builder import build_work_order

db_url = support.db_url

PHONE = "13812345678"
CALLBACK = "13987654321"
ID_NUMBER = "11010519491231002X"
WORDS = ("建国路88号", "施工太吵", "王先生家楼下")
"""Caller and agent words that must not outlive retention."""
SECRETS = (PHONE, CALLBACK, ID_NUMBER, *WORDS)


async def stored_text(store: SqlTicketStore, number: str) -> str:
    """Return everything the database holds about one ticket (its row, status history and field changes)."""
    async with store.engine.connect() as conn:
        row = (await conn.execute(select(tickets).where(tickets.c.number == number))).one()
        rows: list[Any] = [dict(row._mapping)]
        for table in (ticket_history, ticket_changes):
            rows += [dict(r._mapping) for r in await conn.execute(select(table).where(table.c.ticket_id == row.id))]
    return json.dumps(rows, ensure_ascii=False, default=str)


async def test_purge_blanks_every_personal_field(db_url: str) -> None:
    now = ManualNow()
    store = SqlTicketStore.from_url(db_url, now_ms=now)
    await store.migrate()
    try:
        fields = {"complaint_category": "noise", "request_type": "complaint", "location": "朝阳区建国路88号",
                  "description": "楼下工地晚上施工太吵了", "id_number": ID_NUMBER, "callback_phone": CALLBACK}
        work_order = build_work_order(load_book(WorkOrderSettings()), fields, now.t)
        number = await store.save(draft(kind="callback", calling_number=PHONE, fields=fields, work_order=work_order,
                                        protocol_call_id=f"{PHONE}@switch"))
        await store.edit(number, "wang.fang", notes="王先生家楼下, 回电 13812345678",
                         fields={"description": "工地施工太吵, 王先生家楼下"})
        before = await stored_text(store, number)
        assert all(secret in before for secret in SECRETS)  # each is stored somewhere to begin with
        now.t += 31 * DAY_MS
        fresh = await store.save(draft(call_id="fresh", calling_number=PHONE))
        assert await purge_expired(store, retention_days=30) == PurgeResult(purged=1, failed=0)
        after = await stored_text(store, number)
        for secret in SECRETS:
            assert secret not in after, secret
        t = await store.get(number)
        assert t is not None and t.purged_at == now.t and t.fields == {} and t.notes == "" and t.transcript == ()
        assert t.calling_number == "" and t.callback_number is None and {h.note for h in t.history} == {""}
        assert t.changes and all(c.old is None and c.new is None for c in t.changes)
        assert t.work_order is not None and t.work_order.category == work_order.category  # statistics stay
        assert t.work_order.area.text == "" and t.work_order.subcategory_words == ()
        kept = await store.get(fresh)
        assert kept is not None and kept.calling_number == PHONE and kept.purged_at is None
    finally:
        await store.close()


async def test_a_recording_that_cannot_be_deleted_does_not_stop_the_others(db_url: str, tmp_path: Path) -> None:
    now = ManualNow()
    store = SqlTicketStore.from_url(db_url, now_ms=now)
    await store.migrate()
    try:
        first, last, folder = tmp_path / "a.wav", tmp_path / "c.wav", tmp_path / "b-recordings"
        first.write_bytes(b"a")
        last.write_bytes(b"c")
        folder.mkdir()
        numbers = [await store.save(draft(call_id=f"call-{i}", recording_ref=str(ref), calling_number=PHONE))
                   for i, ref in enumerate((first, folder, last))]  # fmt: skip
        now.t += 2 * DAY_MS
        assert await purge_expired(store, retention_days=1) == PurgeResult(purged=2, failed=1)
        assert not first.exists() and not last.exists() and folder.is_dir()
        broken = await store.get(numbers[1])
        assert broken is not None and broken.purged_at is None and broken.recording_ref == str(folder)
        assert broken.calling_number == "" and broken.fields == {}  # the rest of its personal data went anyway
        folder.rmdir()  # the operator fixes it: the next run finishes the job
        assert await purge_expired(store, retention_days=1) == PurgeResult(purged=1, failed=0)
        done = await store.get(numbers[1])
        assert done is not None and done.purged_at is not None and done.recording_ref is None
    finally:
        await store.close()


async def test_old_spooled_saves_are_dropped(tmp_path: Path) -> None:
    now = ManualNow()
    away = SqlTicketStore.from_url("postgresql://root@127.0.0.1:1/away")  # nothing listens: every save journals
    spool = SpooledTicketStore(away, tmp_path / "tickets.jsonl", now_ms=now)
    try:
        await spool.save(draft(call_id="old", calling_number=PHONE, fields={"id_number": ID_NUMBER}))
        now.t += 2 * DAY_MS
        await spool.save(draft(call_id="new"))
        assert spool.pending == 2
        result = await purge_extra(spool, {}, retention_days=1, now_ms=now.t + DAY_MS // 2)
        assert result == ExtraPurge(journalled=1)
        assert spool.pending == 1 and [e.draft.call_id for e in spool.journal.read()] == ["new"]
        assert ID_NUMBER not in spool.journal.path.read_text(encoding="utf-8")
        assert (spool.journal.path.stat().st_mode & 0o777) == 0o600  # the rewrite stays owner-only
    finally:
        await away.close()


async def test_old_rasa_conversations_are_deleted(db_url: str) -> None:
    now_ms = 1_795_000_000_000
    engine = make_engine(db_url)  # stands in for Rasa's tracker database, with Rasa's ``events`` table
    async with engine.begin() as conn:
        await conn.run_sync(events.create)
        rows = [("old-call", now_ms / 1000 - 3 * 86400, f"我的身份证号是{ID_NUMBER}"),
                ("old-call", now_ms / 1000 - 2.9 * 86400, "bot"),
                ("straddling", now_ms / 1000 - 3 * 86400, "hello"),
                ("straddling", now_ms / 1000 - 60, "still talking"),  # newest event is recent: all of it stays
                ("new-call", now_ms / 1000 - 60, PHONE)]  # fmt: skip
        await conn.execute(insert(events), [{"sender_id": s, "type_name": "user", "timestamp": ts,
                                             "data": json.dumps({"text": text})} for s, ts, text in rows])  # fmt: skip
    try:
        unreachable = "postgresql://root@127.0.0.1:1/rasa_en"
        result = await purge_extra(None, {"zh-CN": db_url, "en-US": unreachable}, retention_days=2, now_ms=now_ms)
        assert result == ExtraPurge(tracker_events=2, failed=1)  # the unreachable one is logged, the other done
        async with engine.connect() as conn:
            left = sorted((r.sender_id, r.data) for r in await conn.execute(select(events)))
        assert [s for s, _ in left] == ["new-call", "straddling", "straddling"]
        assert ID_NUMBER not in str(left)
    finally:
        await engine.dispose()


RASA_TRACKERS = textwrap.dedent(
    """
    import asyncio, sys
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    async def main(mode, db, *senders):
        store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=db)
        for sender in senders:
            if mode == "write":
                tracker = DialogueStateTracker(sender, None)
                tracker.update(ActionExecuted("action_listen"))
                tracker.update(UserUttered("我的身份证号是%s" % sender))
                await store.save(tracker)
            else:
                print(sender, await store.retrieve(sender) is not None)

    asyncio.run(main(*sys.argv[1:]))
    """
)


@pytest.mark.real
async def test_conversations_rasa_wrote_are_deleted(tmp_path: Path) -> None:
    python = RASA_DIR / ".venv" / "bin" / "python"
    if not python.exists():
        pytest.skip(f"no Rasa venv at {python} (rasa_project/setup.sh makes it)")
    db = tmp_path / "rasa.db"

    def rasa(mode: str) -> str:
        run = subprocess.run([str(python), "-c", RASA_TRACKERS, mode, str(db), "sip-old", "sip-kept"],
                             capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
        return run.stdout

    await asyncio.to_thread(rasa, "write")  # Rasa's own SQL tracker store, as with endpoints.scale.yml
    now_ms = int(time.time() * 1000)
    assert await purge_trackers(f"sqlite:///{db}", now_ms - DAY_MS, ["sip-old"]) == 2
    assert (await asyncio.to_thread(rasa, "read")).split() == ["sip-old", "False", "sip-kept", "True"]


@pytest.mark.parametrize("days", ["0", "-30"])
def test_retention_under_a_day_is_refused(tmp_path: Path, days: str) -> None:
    path = tmp_path / "v.toml"
    path.write_text(f"[handoff]\nretention_days = {days}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert caught.value.code == "config-bad-retention" and "at least 1 day" in caught.value.message
    with pytest.raises(ConfigError):
        load_settings(None, env={"VOICEBOT_HANDOFF__RETENTION_DAYS": days})
    assert HandoffSettings(retention_days=1).retention_days == 1
