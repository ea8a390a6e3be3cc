"""A known month of calls for the hot-topics tests: a noise spike in 朝阳区 today, steady sanitation in 海淀区.

Times are Asia/Shanghai; ``TODAY`` is a Wednesday. Each of the 4 Wednesdays before has 2 noise tickets in 朝阳区,
3 sanitation tickets in 海淀区 and 1 call asking office hours; today has 8 noise (one at 00:30, which UTC would put
on yesterday), 3 sanitation, 1 traffic ticket at an unknown place, 7 office-hours calls, 2 pension and 1 unknown
topic; yesterday 1 noise ticket at 23:30.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.handoff_support import ManualNow, draft
from voicebot.handoff.store import SqlTicketStore
from voicebot.workorder.book import WorkOrderBook
from voicebot.workorder.builder import build_work_order

ZONE = ZoneInfo("Asia/Shanghai")
"""The hotline's zone in these tests (``[handoff] timezone``)."""

TODAY = date(2026, 12, 2)
"""A Wednesday."""

NOW = int(datetime.combine(TODAY, time(15, 0), ZONE).timestamp() * 1000)
"""15:00 today, Shanghai: when the report is made."""

NOISE = {"request_type": "complaint", "complaint_category": "noise", "location": "朝阳区三里屯幸福二村5号楼",
         "description": "楼上邻居每天晚上装修太吵了"}  # fmt: skip
SANITATION = {"request_type": "complaint", "complaint_category": "sanitation", "location": "海淀区中关村大街1号",
              "description": "小区门口垃圾几天没人清运"}  # fmt: skip
TRAFFIC = {"request_type": "report", "complaint_category": "traffic", "location": "火星路口",
           "description": "路口红绿灯坏了"}  # fmt: skip


def at(day: date, hour: int, minute: int = 0) -> int:
    """Return epoch ms of a local (Shanghai) time."""
    return int(datetime.combine(day, time(hour, minute), ZONE).timestamp() * 1000)


class Seeder:
    """Saves tickets at chosen times through the store's own clock."""

    def __init__(self, store: SqlTicketStore, now: ManualNow, book: WorkOrderBook) -> None:
        self.store, self.now, self.book, self.n = store, now, book, 0

    async def ticket(self, when: int, fields: dict[str, object]) -> None:
        """Save a complaint ticket (with its work order) created at ``when``."""
        self.n += 1
        self.now.t = when
        wo = build_work_order(self.book, fields, when)
        await self.store.save(draft(call_id=f"t{self.n}", kind="complaint", fields=fields, faq_topics=(),
                                    work_order=wo, started_at_ms=when))  # fmt: skip

    async def faq(self, when: int, *topics: str) -> None:
        """Save a call the bot answered (no work order) that asked ``topics``."""
        self.n += 1
        self.now.t = when
        await self.store.save(draft(call_id=f"f{self.n}", kind="partial", fields={}, faq_topics=topics,
                                    started_at_ms=when))  # fmt: skip


async def seed_month(store: SqlTicketStore, now: ManualNow, book: WorkOrderBook) -> None:
    """Store the month described above and leave the clock at ``NOW``."""
    s = Seeder(store, now, book)
    for week in range(1, 5):
        day = TODAY - timedelta(weeks=week)
        for i in range(2):
            await s.ticket(at(day, 10, i), NOISE)
        for i in range(3):
            await s.ticket(at(day, 11, i), SANITATION)
        await s.faq(at(day, 9), "faq/office_hours")
    await s.ticket(at(TODAY - timedelta(days=1), 23, 30), NOISE)
    await s.ticket(at(TODAY, 0, 30), NOISE)
    for i in range(7):
        await s.ticket(at(TODAY, 9, i), NOISE)
    for i in range(3):
        await s.ticket(at(TODAY, 10, i), SANITATION)
    await s.ticket(at(TODAY, 12), TRAFFIC)
    for i in range(6):
        await s.faq(at(TODAY, 8, i), "faq/office_hours")
    await s.faq(at(TODAY, 13), "faq/pension", "faq/office_hours")
    await s.faq(at(TODAY, 14), "pension", "faq/no_such_topic")
    now.t = NOW


BACKGROUND = (
    ("sanitation", "西城区西长安街5号", "垃圾桶满了没人清运"),
    ("traffic", "丰台区南三环西路16号", "路口经常堵车信号灯时间太短"),
    ("property", "海淀区学院路30号小区", "物业不修电梯"),
    ("utilities", "通州区新华大街100号", "小区停水两天了"),
    ("consumer", "朝阳区建国路88号商场", "商家不给退款"),
    ("labor", "大兴区黄村镇工业园", "工厂拖欠工资三个月"),
    ("noise", "东城区东华门大街1号", "夜里施工噪音大"),
)
"""(category, place, words) of the ordinary calls ``seed_background`` spreads over the fortnight."""


async def seed_background(store: SqlTicketStore, now: ManualNow, book: WorkOrderBook) -> None:
    """Add ordinary calls on the 13 days before today (not on its weekday: the spike baseline stays as above) and a
    few today, so that the charts show a realistic spread; leave the clock at ``NOW``."""
    s = Seeder(store, now, book)
    s.n = 10_000
    for back in range(0, 14):
        day = TODAY - timedelta(days=back)
        if back and day.weekday() == TODAY.weekday():
            continue
        for i, (category, place, words) in enumerate(BACKGROUND):
            fields = {"request_type": "complaint", "complaint_category": category, "location": place,
                      "description": words}  # fmt: skip
            for k in range((back * 3 + i * 5) % 4 + (0 if back == 0 else 1)):
                await s.ticket(at(day, 8 + i, k), fields)
        if back:
            await s.faq(at(day, 16), "faq/social_security", *(("faq/hukou",) if back % 2 else ()))
    now.t = NOW
