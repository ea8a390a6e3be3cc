"""Work orders in the ticket store on SQLite and PostgreSQL: columns, corrections with history, migration 0002."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from tests import handoff_support as support
from tests.handoff_support import draft
from voicebot.handoff.db import MIGRATIONS_DIR
from voicebot.handoff.spool import SpoolEntry, decode_entry, encode_entry
from voicebot.handoff.store import SqlTicketStore
from voicebot.handoff.workorder_edit import TicketEdit, apply_edit
from voicebot.settings import WorkOrderSettings
from voicebot.workorder.book import WorkOrderBook, load_book
from voicebot.workorder.builder import build_work_order
from voicebot.workorder.errors import WorkOrderValueError

db_url = support.db_url
store = support.store

FIELDS = {
    "complaint_category": "noise",
    "location": "朝阳区建国路88号",
    "description": "楼下工地晚上施工太吵了",
    "request_type": "complaint",
}
STARTED = 1_790_000_000_000


@pytest.fixture(scope="module")
def book() -> WorkOrderBook:
    return load_book(WorkOrderSettings())


def complaint(book: WorkOrderBook, **fields: object) -> object:
    merged = {**FIELDS, **fields}
    return draft(kind="complaint", fields=merged, work_order=build_work_order(book, merged, STARTED))


async def test_saved_ticket_carries_its_work_order(store: SqlTicketStore, book: WorkOrderBook) -> None:
    d = complaint(book)
    number = await store.save(d)  # type: ignore[arg-type]
    t = await store.get(number)
    assert t is not None and t.work_order == d.work_order  # type: ignore[attr-defined]
    assert t.work_order.department == "朝阳区住房和城乡建设委员会" and t.work_order.area.district == "朝阳区"
    async with store.engine.connect() as conn:
        row = (await conn.execute(text("SELECT category, urgency, department, area_resolved FROM tickets"))).one()
    assert tuple(row) == ("eco_environment", "normal", "朝阳区住房和城乡建设委员会", True)
    plain = await store.save(draft(call_id="no-wo", kind="partial"))
    assert (await store.get(plain)).work_order is None  # type: ignore[union-attr]


async def test_corrections_are_recorded_with_who_and_what(store: SqlTicketStore, book: WorkOrderBook) -> None:
    number = await store.save(complaint(book))  # type: ignore[arg-type]
    store.now_ms = lambda: 1_795_000_000_000  # type: ignore[method-assign]
    changed = await apply_edit(
        store,
        book,
        number,
        "wang.fang",
        TicketEdit(work_order={"department": "朝阳区生态环境局", "district": "Chaoyang"}),
    )
    assert [(c.field, c.old, c.new, c.actor) for c in changed] == [
        ("department", "朝阳区住房和城乡建设委员会", "朝阳区生态环境局", "wang.fang")
    ]
    again = await apply_edit(store, book, number, "li.na", TicketEdit(work_order={"department": "朝阳区生态环境局"}))
    assert again == ()  # the same value is no change
    await apply_edit(
        store,
        book,
        number,
        "api:case-system",
        TicketEdit(notes="已派单", fields={"location": "朝阳区建国路89号"}, work_order={"urgency": "urgent"}),
    )
    t = await store.get(number)
    assert t is not None and t.notes == "已派单" and t.fields["location"] == "朝阳区建国路89号"
    assert t.work_order is not None and t.work_order.urgency == "urgent"
    assert t.work_order.deadline_at == STARTED + 24 * 3_600_000  # the urgency's 办理时限 from the call's start
    assert t.work_order.suggested_department == "朝阳区住房和城乡建设委员会"  # the suggestion is kept
    assert [(c.field, c.actor) for c in t.changes] == [
        ("department", "wang.fang"),
        ("urgency", "api:case-system"),
        ("deadline_at", "api:case-system"),
        ("notes", "api:case-system"),
        ("fields.location", "api:case-system"),
    ]
    assert t.changes[0].at_ms == 1_795_000_000_000
    assert t.to_json()["changes"][1] == {
        "field": "urgency",
        "old": "normal",
        "new": "urgent",
        "actor": "api:case-system",
        "at_ms": 1_795_000_000_000,
    }


async def test_the_bots_later_saves_never_undo_a_correction(store: SqlTicketStore, book: WorkOrderBook) -> None:
    number = await store.save(complaint(book))  # type: ignore[arg-type]
    await apply_edit(
        store,
        book,
        number,
        "wang.fang",
        TicketEdit(fields={"location": "海淀区学院路28号"}, work_order={"department": "北京市公安局"}),
    )
    # the caller is still on the line: the session saves again with what the dialogue knows
    later = complaint(book, description="楼下工地晚上施工太吵了，家里有小孩")
    assert await store.save(later) == number  # type: ignore[arg-type]
    t = await store.get(number)
    assert t is not None and t.work_order is not None
    assert t.work_order.department == "北京市公安局" and t.fields["location"] == "海淀区学院路28号"
    assert t.work_order.urgency == "urgent" and "小孩" in t.work_order.urgency_cues  # uncorrected fields follow
    assert t.fields["description"].endswith("家里有小孩")


async def test_edits_are_checked_against_the_operator_files(store: SqlTicketStore, book: WorkOrderBook) -> None:
    number = await store.save(complaint(book))  # type: ignore[arg-type]
    for wrong, field in [
        ({"department": "不存在的局"}, "department"),
        ({"district": "浦东新区"}, "district"),
        ({"subcategory": "elevator"}, "subcategory"),
        ({"urgency": "asap"}, "urgency"),
        ({"category": "weather"}, "category"),
        ({"priority": "high"}, "priority"),
        ({"deadline_at": "next week"}, "deadline_at"),
    ]:
        with pytest.raises(WorkOrderValueError) as err:
            await apply_edit(store, book, number, "wang.fang", TicketEdit(work_order=wrong))
        assert err.value.code == "workorder-bad-value" and err.value.message.startswith(field), err.value.message
    t = await store.get(number)
    assert t is not None and t.changes == ()
    # a category change drops a sub-category of the old one; district by alias; free-text street kept
    await apply_edit(
        store,
        book,
        number,
        "wang.fang",
        TicketEdit(
            work_order={
                "category": "housing",
                "subcategory": "construction_noise",
                "district": "Haidian District",
                "street": "中关村",
                "community": "某某小区",
                "deadline_at": "2026-12-24T18:00",
            }
        ),
    )
    t = await store.get(number)
    assert t is not None and t.work_order is not None
    assert (t.work_order.category, t.work_order.subcategory) == ("housing", None)
    area = t.work_order.area
    assert (area.district, area.street, area.community, area.resolved) == ("海淀区", "中关村街道", "某某小区", True)
    assert (
        dt.datetime.fromtimestamp(t.work_order.deadline_at / 1000, book.deadlines.timezone).strftime("%Y-%m-%d %H:%M")
        == "2026-12-24 18:00"
    )


async def test_a_ticket_without_a_work_order_gets_one_when_corrected(
    store: SqlTicketStore, book: WorkOrderBook
) -> None:
    number = await store.save(draft(kind="partial", fields=dict(FIELDS), started_at_ms=STARTED))
    await apply_edit(store, book, number, "wang.fang", TicketEdit(work_order={"department": "北京市公安局"}))
    t = await store.get(number)
    assert t is not None and t.work_order is not None
    assert t.work_order.category == "eco_environment" and t.work_order.department == "北京市公安局"
    assert t.work_order.suggested_department == "朝阳区住房和城乡建设委员会"
    assert ("department", None, "北京市公安局") in [(c.field, c.old, c.new) for c in t.changes]


def test_spooled_drafts_keep_their_work_order(book: WorkOrderBook) -> None:
    d = complaint(book, location="Nowhere Road 1")
    entry = SpoolEntry("e1", "12345678", d)  # type: ignore[arg-type]
    back = decode_entry(encode_entry(entry))
    assert back == entry and back.draft.work_order is not None
    assert back.draft.work_order.flags[0].code == "unknown-place"
    assert dataclasses.replace(back.draft, work_order=None) != d


OLD_TICKET = (
    "INSERT INTO tickets (number, call_id, kind, status, language, channel, calling_number, called_number, "
    "protocol_call_id, fields, faq_topics, transcript, confidential, started_at, created_at, updated_at, notes) "
    "VALUES ('23456789', 'old-call', 'handoff', 'queued', 'zh-CN', 'sip', '13800000000', '', '', "
    "'{\"location\": \"朝阳区\"}', '[]', '[]', false, 1, 1, 1, '')"
)
"""A ticket as the first schema stored it."""


def _head() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def _upgrade_to(connection: Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def test_migration_0002_upgrades_a_database_with_tickets(db_url: str) -> None:
    old = SqlTicketStore.from_url(db_url)
    try:
        async with old.engine.begin() as conn:
            await conn.run_sync(_upgrade_to, "0001")
        async with old.engine.begin() as conn:
            await conn.execute(text(OLD_TICKET))
        await old.migrate()
        async with old.engine.connect() as conn:
            columns = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("tickets")})
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        assert {"request_type", "category", "urgency", "deadline_at", "district", "department"} <= columns
        assert "ticket_changes" in tables and version == _head()  # and on to the head
        t = await old.get("23456789")
        assert t is not None and t.work_order is None and t.fields == {"location": "朝阳区"} and t.changes == ()
    finally:
        await old.close()
