"""Hot topics through the real store (SQLite and PostgreSQL): counts by day, category, district and FAQ topic in the
hotline's zone, spikes, the supervisors-only page with its SVG charts, the CSV export and the Prometheus gauges."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer
from alembic import command
from alembic.config import Config
from prometheus_client import CollectorRegistry
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from tests import handoff_support as support
from tests.handoff_support import PASSWORD, ManualNow
from tests.hot_support import NOW, TODAY, ZONE, at, seed_month
from tests.test_metrics import samples
from tests.test_workorder_store import _upgrade_to
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.db import MIGRATIONS_DIR
from voicebot.handoff.hot_labels import FAQ_TOPIC, OTHER, districts
from voicebot.handoff.hot_metrics import HotTopicGauges
from voicebot.handoff.hot_report import build_report
from voicebot.handoff.store import SqlTicketStore
from voicebot.knowledge.seed import FAQ_FILE
from voicebot.runtime.metrics import CallMetrics
from voicebot.settings import HandoffSettings, HotTopicSettings, Settings, WorkOrderSettings
from voicebot.workorder.book import load_book

db_url = support.db_url
BOOK = load_book(WorkOrderSettings())
RULE = HotTopicSettings()


@pytest.fixture
async def month(db_url: str) -> AsyncIterator[tuple[SqlTicketStore, ManualNow]]:
    """Yield a store holding the month of ``tests.hot_support`` (clock at 15:00 today, Shanghai)."""
    now = ManualNow()
    store = SqlTicketStore.from_url(db_url, now_ms=now)
    await store.migrate()
    await seed_month(store, now, BOOK)
    try:
        yield store, now
    finally:
        await store.close()


async def test_counts_and_spikes_by_category_district_and_topic(month: tuple[SqlTicketStore, ManualNow]) -> None:
    store, _now = month
    report = await build_report(store, BOOK, RULE, ZONE, NOW)
    counts = report.counts
    assert report.today == TODAY and len(report.days) == 14 and report.days[-1] == TODAY
    assert counts.ticket_total(TODAY, "eco_environment", "朝阳区") == 8  # the 00:30 one included
    assert counts.ticket_total(TODAY - timedelta(days=1), "eco_environment") == 1  # 23:30 stays yesterday
    assert counts.ticket_total(TODAY, "urban_management", "海淀区") == 3
    assert counts.ticket_total(TODAY, "transport", OTHER) == 1  # an unknown place is "other", never its words
    assert counts.ticket_total(TODAY) == 12
    assert {t: counts.topic_total(TODAY, t) for t in ("office_hours", "pension", OTHER)} == {
        "office_hours": 7, "pension": 2, OTHER: 1}  # fmt: skip
    for day in report.compared:
        assert day.weekday() == TODAY.weekday() and counts.ticket_total(day, "eco_environment", "朝阳区") == 2
    flagged = {(r.dimension, r.key): r.spike for r in report.spikes}
    assert {(r.dimension, r.key) for r in report.flagged} == {
        ("category", "eco_environment"), ("district", "朝阳区"), ("topic", "office_hours")}  # fmt: skip
    assert flagged[("category", "eco_environment")].baseline == 2.0
    assert flagged[("district", "海淀区")].today == 3 and not flagged[("district", "海淀区")].flagged
    assert report.spikes[0].spike.flagged and report.series("category", "eco_environment")[-2:] == [1, 8]
    in_utc = await build_report(store, BOOK, RULE, ZoneInfo("UTC"), NOW)
    assert in_utc.counts.ticket_total(TODAY, "eco_environment") == 7  # the zone decides the day
    stricter = await build_report(store, BOOK, HotTopicSettings(spike_ratio=5.0), ZONE, NOW)
    assert ("category", "eco_environment") not in {(r.dimension, r.key) for r in stricter.flagged}


def test_every_faq_topic_of_the_knowledge_base_has_a_name() -> None:
    topics = yaml.safe_load(FAQ_FILE.read_text(encoding="utf-8"))["topics"]
    assert set(topics) == set(FAQ_TOPIC)


async def _client(store: SqlTicketStore, db_url: str, user: str | None, lang: str | None = None) -> TestClient:
    settings = Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always", timezone="Asia/Shanghai"))
    client = TestClient(TestServer(create_console_app(store, settings)))
    await client.start_server()
    if user:
        resp = await client.post("/console/login", data={"username": user, "password": PASSWORD},
                                 allow_redirects=False)  # fmt: skip
        assert resp.status == 303
        if lang:
            assert (await client.post("/console/language", data={"lang": lang}, allow_redirects=False)).status == 303
    return client


async def test_page_and_csv_for_supervisors_only(month: tuple[SqlTicketStore, ManualNow], db_url: str) -> None:
    store, _now = month
    auth = AuthStore(store)
    await auth.add_agent("alice", PASSWORD, "agent")
    await auth.add_agent("sue", PASSWORD, "supervisor")
    for user in (None, "alice"):
        client = await _client(store, db_url, user)
        try:
            for path in ("/console/hot-topics", "/console/hot-topics.csv"):
                resp = await client.get(path, allow_redirects=False)
                assert resp.status == (303 if user is None else 403), (user, path)
            assert "/hot-topics" not in await (await client.get("/console/")).text()  # no link for agents
        finally:
            await client.close()
    client = await _client(store, db_url, "sue")
    try:
        html = await (await client.get("/console/hot-topics")).text()
        assert html.count("<svg") == 5 and "<script" not in html and 'id="nav-hot-topics"' in html
        for words in ("热点诉求", "生态环境", "城市管理", "朝阳区", "海淀区", "办公时间", "今日 8 件，往常 2.0 件"):
            assert words in html, words
        assert 'data-dimension="category" data-key="eco_environment" data-flagged="true"' in html
        assert 'data-dimension="district" data-key="海淀区" data-flagged="false"' in html
        resp = await client.get("/console/hot-topics.csv")
        assert resp.headers["Content-Disposition"] == 'attachment; filename="hot-topics-2026-12-02.csv"'
        body = await resp.read()
        assert body.startswith(b"\xef\xbb\xbf") and resp.content_type == "text/csv"
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert rows[0][:4] == ["日期", "统计项", "类别代码", "类别"]
        assert ["2026-12-02", "工单", "eco_environment", "生态环境", "朝阳区", "", "", "8"] in rows
        assert ["2026-12-02", "咨询", "", "", "", "office_hours", "办公时间", "7"] in rows
        assert ["2026-12-02", "工单", "transport", "交通运输", "其他或未知地点", "", "", "1"] in rows
    finally:
        await client.close()
    client = await _client(store, db_url, "sue", "en-US")
    try:
        html = await (await client.get("/console/hot-topics")).text()
        for words in ("Hot topics", "Ecology and environment", "Chaoyang District", "Office hours", "Spikes today"):
            assert words in html, words
    finally:
        await client.close()


async def test_csv_through_the_rest_api(month: tuple[SqlTicketStore, ManualNow], db_url: str) -> None:
    store, _now = month
    token = await AuthStore(store).create_api_token("reporting", "read")
    client = await _client(store, db_url, None)
    try:
        assert (await client.get("/api/hot-topics.csv")).status == 401
        resp = await client.get("/api/hot-topics.csv?lang=en-US", headers={"Authorization": f"Bearer {token}"})
        rows = list(csv.reader(io.StringIO((await resp.read()).decode("utf-8-sig"))))
        assert rows[0] == ["Date", "Counted", "Category code", "Category", "District", "FAQ topic code", "FAQ topic",
                           "Count"]  # fmt: skip
        assert ["2026-12-02", "tickets", "urban_management", "City management", "Haidian District", "", "", "3"] in rows
        spec = await (await client.get("/api/openapi.json")).json()
        assert "text/csv" in spec["paths"]["/hot-topics.csv"]["get"]["responses"]["200"]["content"]
    finally:
        await client.close()


async def test_prometheus_gauges_with_bounded_labels(month: tuple[SqlTicketStore, ManualNow]) -> None:
    store, now = month
    registry = CollectorRegistry()
    hot = HotTopicGauges(registry, store, BOOK, RULE, "Asia/Shanghai")
    metrics = CallMetrics(registry, refreshing=(hot,))
    await metrics.refresh()
    s = samples(metrics)
    assert s[("voicebot_hot_tickets_today", (("category", "eco_environment"), ("district", "朝阳区")))] == 8
    assert s[("voicebot_hot_tickets_today", (("category", "transport"), ("district", "other")))] == 1
    assert s[("voicebot_hot_faq_today", (("topic", "office_hours"),))] == 7
    assert s[("voicebot_hot_faq_today", (("topic", "other"),))] == 1
    assert s[("voicebot_hot_spike", (("dimension", "category"), ("key", "eco_environment")))] == 1
    assert s[("voicebot_hot_spike", (("dimension", "district"), ("key", "海淀区")))] == 0
    assert s[("voicebot_hot_same_weekday_mean", (("dimension", "topic"), ("key", "office_hours")))] == 1.0
    bounded = set(districts(BOOK))
    assert {dict(labels)["district"] for name, labels in s if name == "voicebot_hot_tickets_today"} <= bounded
    now.t = at(TODAY + timedelta(days=1), 9)  # a new day: yesterday's series are gone
    await metrics.refresh()
    assert not [key for key in samples(metrics) if key[0] == "voicebot_hot_tickets_today"]


async def test_an_unreadable_database_is_counted_not_raised() -> None:
    store = SqlTicketStore.from_url("postgresql://root@127.0.0.1:1/nowhere")
    try:
        registry = CollectorRegistry()
        metrics = CallMetrics(registry, refreshing=(HotTopicGauges(registry, store, BOOK, RULE),))
        await metrics.refresh()
        assert samples(metrics)[("voicebot_errors_total", (("code", "hot-topics-unavailable"),))] == 1
    finally:
        await store.close()


async def test_an_empty_hotline_has_no_spikes_and_empty_charts(db_url: str) -> None:
    store = SqlTicketStore.from_url(db_url, now_ms=ManualNow(NOW))
    await store.migrate()
    await AuthStore(store).add_agent("sue", PASSWORD, "supervisor")
    client = await _client(store, db_url, "sue")
    try:
        html = await (await client.get("/console/hot-topics")).text()
        assert "今日无激增。" in html and "期间没有带工单的来电。" in html and 'id="no-spikes"' in html
        assert html.count("<svg") == 4  # the heatmap has nothing to show; the others draw their axes
        body = await (await client.get("/console/hot-topics.csv")).read()
        assert body.decode("utf-8-sig").count("\r\n") == 1  # the header only
    finally:
        await client.close()
        await store.close()


def _indexes(connection: Connection) -> set[str]:
    return {str(ix["name"]) for ix in inspect(connection).get_indexes("tickets")}


def _downgrade_to(connection: Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def test_migration_0008_indexes_the_creation_time(db_url: str) -> None:
    store = SqlTicketStore.from_url(db_url)
    try:
        async with store.engine.begin() as conn:
            await conn.run_sync(_upgrade_to, "0003")
            assert "ix_tickets_created" not in await conn.run_sync(_indexes)
        await store.migrate()
        async with store.engine.begin() as conn:
            assert "ix_tickets_created" in await conn.run_sync(_indexes)
            await conn.run_sync(_downgrade_to, "0003")
            assert "ix_tickets_created" not in await conn.run_sync(_indexes)
    finally:
        await store.close()
