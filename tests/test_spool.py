"""The ticket spool: a database outage loses no ticket, duplicates none, and keeps the numbers callers heard."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests import handoff_support as support
from voicebot.handoff.spool import Journal, SpooledTicketStore, SpoolEntry, spool_path_for
from voicebot.handoff.store import SqlTicketStore

ROOT = Path(__file__).resolve().parents[1]


async def stored_numbers(store: SqlTicketStore) -> dict[str, tuple[str, str]]:
    """Return call id -> (number, kind) for every stored ticket (asserting one ticket per call)."""
    tickets = await store.list(limit=1000)
    calls = [t.call_id for t in tickets]
    assert len(calls) == len(set(calls)), "a call has two tickets"
    return {t.call_id: (t.number, t.kind) for t in tickets}


async def outage_scenario(store: SqlTicketStore, spool: SpooledTicketStore, down: object, up: object) -> None:
    """Save before, during and after an outage; check every number heard is the one stored, once."""
    heard = {f"call-{i}": await spool.save(support.draft(f"call-{i}", "partial")) for i in range(3)}
    await down()  # type: ignore[operator]
    for i in range(3, 6):
        heard[f"call-{i}"] = await spool.save(support.draft(f"call-{i}", "handoff"))
    again = await spool.save(support.draft("call-0", "complaint"))  # an update of a ticket stored before
    assert again == heard["call-0"]
    assert spool.pending == 4
    assert await spool.status(heard["call-4"]) == "new"  # journalled, told as new
    assert await spool.flush() == 4  # still away: nothing written, nothing forgotten
    await up()  # type: ignore[operator]
    for _ in range(100):  # the background flusher writes them
        if spool.pending == 0:
            break
        await asyncio.sleep(0.1)
    assert spool.pending == 0
    stored = await stored_numbers(store)
    assert {call: number for call, (number, _) in stored.items()} == heard
    assert stored["call-0"][1] == "complaint" and stored["call-4"][1] == "handoff"
    assert Journal(spool.journal.path).read() == []


async def test_sqlite_file_away_then_back(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    store = SqlTicketStore.from_url(f"sqlite:///{folder / 'tickets.db'}")
    await store.migrate()
    spool = SpooledTicketStore(store, tmp_path / "spool" / "tickets.jsonl", interval_s=0.1)
    await spool.start()

    async def down() -> None:  # the volume holding the database goes away, and with it the open connections
        folder.rename(tmp_path / "db-away")
        await store.engine.dispose()

    async def up() -> None:
        (tmp_path / "db-away").rename(folder)

    try:
        await outage_scenario(store, spool, down, up)
    finally:
        await spool.aclose()
        await store.close()


@pytest.mark.real
async def test_postgres_database_away_then_back(tmp_path: Path) -> None:
    url = await support.create_pg_database()
    name = make_url(url).database
    away = f"{name}_away"
    store = SqlTicketStore.from_url(url)
    await store.migrate()
    spool = SpooledTicketStore(store, tmp_path / "tickets.jsonl", interval_s=0.1)
    await spool.start()
    admin = await asyncpg.connect(make_url(support.PG_URL).set(drivername="postgresql").render_as_string(False))

    async def down() -> None:  # the database disappears under the bot (renamed, every session cut)
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
        await admin.execute(f'ALTER DATABASE "{name}" RENAME TO "{away}"')

    async def up() -> None:
        await admin.execute(f'ALTER DATABASE "{away}" RENAME TO "{name}"')

    try:
        await outage_scenario(store, spool, down, up)
    finally:
        await spool.aclose()
        await store.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{away}" WITH (FORCE)')
        await admin.close()
        await support.drop_pg_database(url)


CRASHING_BOT = textwrap.dedent(
    """
    import asyncio, os, sys
    from pathlib import Path
    from tests import handoff_support as support
    from voicebot.handoff.spool import SpooledTicketStore
    from voicebot.handoff.store import SqlTicketStore

    async def main() -> None:
        store = SqlTicketStore.from_url(sys.argv[1])  # a database nobody listens for
        spool = SpooledTicketStore(store, Path(sys.argv[2]), interval_s=3600)
        await spool.start()
        for i in range(4):
            print(f"call-{i}", await spool.save(support.draft(f"call-{i}", "handoff")), flush=True)
        os.kill(os.getpid(), 9)  # killed: no clean shutdown, no last flush

    asyncio.run(main())
    """
)


async def test_restarted_process_replays_the_journal(tmp_path: Path) -> None:
    journal = tmp_path / "tickets.jsonl"
    dead_url = "postgresql://root@127.0.0.1:1/nowhere"  # wrong port: connection refused
    proc = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", CRASHING_BOT, dead_url, str(journal)], cwd=ROOT, capture_output=True,
        text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert proc.returncode == -9, proc.stderr[-2000:]
    heard = dict(line.split() for line in proc.stdout.splitlines())
    assert len(heard) == 4 and len(Journal(journal).read()) == 4
    store = SqlTicketStore.from_url(f"sqlite:///{tmp_path / 'tickets.db'}")
    await store.migrate()
    spool = SpooledTicketStore(store, journal, interval_s=0.05)
    await spool.start()  # the restarted bot, now reaching its database
    try:
        for _ in range(100):
            if not Journal(journal).read():
                break
            await asyncio.sleep(0.1)
        stored = await stored_numbers(store)
        assert {call: number for call, (number, _) in stored.items()} == heard
        await spool.flush()  # replaying again (a crash before forgetting) duplicates nothing
        for entry in [SpoolEntry(f"again-{c}", n, support.draft(c, "handoff")) for c, n in heard.items()]:
            Journal(journal).append(entry)
        assert await spool.flush() == 0
        assert {call: number for call, (number, _) in (await stored_numbers(store)).items()} == heard
    finally:
        await spool.aclose()
        await store.close()


def test_torn_last_line_is_skipped_and_journals_are_per_database(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    journal.append(SpoolEntry("a", "12345678", support.draft("call-a")))
    with open(journal.path, "a", encoding="utf-8") as out:
        out.write('{"id": "b", "number": "8765')  # the process died mid-write
    entries = journal.read()
    assert [e.entry_id for e in entries] == ["a"] and entries[0].draft == support.draft("call-a")
    a = spool_path_for("postgresql://u:secret@h/db1", tmp_path)
    assert a != spool_path_for("postgresql://u:secret@h/db2", tmp_path) and "secret" not in a.name


async def test_a_journal_that_cannot_be_written_is_a_ticket_error(tmp_path: Path) -> None:
    from voicebot.errors import TicketError

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    store = SqlTicketStore.from_url("postgresql://root@127.0.0.1:1/nowhere")
    spool = SpooledTicketStore(store, blocker / "tickets.jsonl")
    try:
        with pytest.raises(TicketError) as caught:
            await spool.save(support.draft("call-x"))
        assert caught.value.code == "ticket-spool-failed"
    finally:
        await store.close()
