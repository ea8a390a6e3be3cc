"""Today's satisfaction rate on SQLite and PostgreSQL, and on the supervisor page in both languages."""

from __future__ import annotations

from datetime import datetime

from tests import handoff_support as support
from tests.handoff_support import Console, ManualNow, draft
from voicebot.handoff.satisfaction_stats import SatisfactionToday, satisfaction_today
from voicebot.handoff.store import SqlTicketStore

db_url = support.db_url
console = support.console

DAY_MS = 86_400_000


def today(now: ManualNow) -> datetime:
    return datetime.fromtimestamp(now.t / 1000)


async def test_the_rate_counts_todays_rated_calls_only(db_url: str) -> None:
    now = ManualNow(int(datetime(2026, 12, 2, 15, 0).timestamp() * 1000))
    store = SqlTicketStore.from_url(db_url, now_ms=now)
    await store.migrate()
    try:
        now.t -= DAY_MS
        await store.save(draft(call_id="yesterday", kind="resolved", satisfaction=5))
        now.t += DAY_MS
        assert await satisfaction_today(store, today(now)) == SatisfactionToday(0, 0)
        assert SatisfactionToday(0, 0).rate is None
        for index, rating in enumerate((1, 2, 3, 4, 5, None)):
            await store.save(draft(call_id=f"today-{index}", kind="resolved", satisfaction=rating))
        # a later save of the same call without a rating (a bot save racing the final one) keeps it
        await store.save(draft(call_id="today-0", kind="resolved"))
        rated = await satisfaction_today(store, today(now))
        assert rated == SatisfactionToday(rated=5, satisfied=3) and rated.rate == 0.6
        kept = await store.get_by_call("today-0")
        assert kept is not None and kept.satisfaction == 1
    finally:
        await store.close()


async def test_the_supervisor_page_shows_todays_rate_in_chinese_and_english(console: Console) -> None:
    sue = await console.client("sue")  # Chinese until she chooses (the choice is kept on her account)
    try:
        empty = await (await sue.get("/console/supervisor")).text()
        assert 'id="sup-satisfaction_today"><span title="今日暂无评价">—</span><' in empty
        for index, rating in enumerate((2, 3, 4)):
            await console.store.save(draft(call_id=f"rated-{index}", kind="resolved", satisfaction=rating))
        zh_page = await (await sue.get("/console/supervisor")).text()
        assert "今日满意率" in zh_page and 'id="sup-satisfaction_today">67%（2/3）<' in zh_page
        chose = await sue.post("/console/language", data={"lang": "en-US"}, allow_redirects=False)
        assert chose.status == 303
        en_page = await (await sue.get("/console/supervisor")).text()
        assert "Satisfied today" in en_page and 'id="sup-satisfaction_today">67% (2/3)<' in en_page
    finally:
        await sue.close()
