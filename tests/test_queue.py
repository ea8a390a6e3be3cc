"""HandoffQueue: positions, wait estimates, callbacks, hours, and never one caller to two agents."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests import handoff_support as support
from tests.handoff_support import draft
from voicebot.errors import ConfigError, TicketError
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import DEFAULT_HANDLE_S, HandoffQueue
from voicebot.handoff.store import SqlTicketStore

ROOT = Path(__file__).resolve().parents[1]
db_url = support.db_url


class ManualNow:
    """An epoch-ms clock the test moves by hand."""

    def __init__(self, t: int = 1_795_000_000_000) -> None:
        self.t = t

    def __call__(self) -> int:
        return self.t


async def make(db_url: str, now: ManualNow | None = None) -> tuple[SqlTicketStore, HandoffQueue]:
    s = SqlTicketStore.from_url(db_url, now_ms=now or ManualNow())
    await s.migrate()
    return s, HandoffQueue(s, AgentHours.parse("always"))


async def test_positions_and_wait_estimates(db_url: str) -> None:
    now = ManualNow()
    s, q = await make(db_url, now)
    try:
        numbers = []
        for i in range(3):
            numbers.append(await s.save(draft(call_id=f"w{i}")))
            now.t += 1000
            pos = await q.enqueue(numbers[-1])
            assert pos.position == i + 1
            assert pos.estimated_wait_s == (i + 1) * DEFAULT_HANDLE_S
        assert (await q.enqueue(numbers[0])).position == 1  # enqueue again: idempotent
        # one agent handles the first caller in 60 s: estimates follow the measured handling time
        await q.claim_next("alice")
        now.t += 60_000
        await q.resolve(numbers[0], "alice")
        p1, p2 = await q.position(numbers[1]), await q.position(numbers[2])
        assert p1 is not None and p2 is not None
        assert (p1.position, p1.estimated_wait_s) == (1, 60) and (p2.position, p2.estimated_wait_s) == (2, 120)
        assert await q.position(numbers[0]) is None
        stats = await q.stats(datetime.fromtimestamp(now.t / 1000))
        assert stats.queue_length == 2 and stats.longest_wait_s == 61 and stats.human_today == 3
    finally:
        await s.close()


async def test_claim_order_conflicts_and_confidential(db_url: str) -> None:
    now = ManualNow()
    s, q = await make(db_url, now)
    try:
        secret = await s.save(draft(call_id="secret", confidential=True))
        await q.enqueue(secret)
        now.t += 10
        plain = await s.save(draft(call_id="plain"))
        await q.enqueue(plain)
        got = await q.claim_next("alice")
        assert got is not None and got.number == plain  # agents never get confidential callers
        assert await q.claim_next("bob") is None
        with pytest.raises(TicketError) as err:
            await q.claim(plain, "bob")
        assert err.value.code == "ticket-not-claimable"
        sup = await q.claim_next("sue", include_confidential=True)
        assert sup is not None and sup.number == secret and sup.claimed_by == "sue"
        with pytest.raises(TicketError):
            await q.enqueue(secret)  # claimed callers cannot re-enter the queue
    finally:
        await s.close()


async def test_callback_instead_of_waiting(db_url: str) -> None:
    s, q = await make(db_url)
    try:
        n = await s.save(draft())
        await q.enqueue(n)
        await q.request_callback(n, "13500003333")
        t = await s.get(n)
        assert t is not None and t.status == "callback_due" and t.callback_number == "13500003333"
        assert await q.position(n) is None
        stats = await q.stats(datetime.now())
        assert stats.callbacks_due == 1 and stats.queue_length == 0
        claimed = await q.claim(n, "alice")  # an agent takes the callback
        assert claimed.status == "claimed"
    finally:
        await s.close()


async def test_two_stores_never_double_claim(db_url: str) -> None:
    a, qa = await make(db_url)
    b = SqlTicketStore.from_url(db_url, now_ms=a.now_ms)
    qb = HandoffQueue(b, qa.hours)
    try:
        for rnd in range(6):
            numbers = [await a.save(draft(call_id=f"r{rnd}-{i}")) for i in range(12)]
            for n in numbers:
                await qa.enqueue(n)

            async def worker(q: HandoffQueue, name: str) -> list[str]:
                got = []
                while (t := await q.claim_next(name)) is not None:
                    got.append(t.number)
                return got

            results = await asyncio.gather(*(worker(q, f"{q is qa}-{k}") for q in (qa, qb) for k in range(3)))
            claimed = Counter(n for r in results for n in r)
            assert sorted(claimed) == sorted(numbers) and set(claimed.values()) == {1}
    finally:
        await a.close()
        await b.close()


_CLAIMER = textwrap.dedent(
    """
    import asyncio, sys
    sys.path.insert(0, {root!r})
    from voicebot.handoff.hours import AgentHours
    from voicebot.handoff.queue import HandoffQueue
    from voicebot.handoff.store import SqlTicketStore

    async def main():
        store = SqlTicketStore.from_url({url!r})
        queue = HandoffQueue(store, AgentHours.parse("always"))
        await store.status("warm-up")  # connect before the start signal
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)

        async def worker(k):
            got = []
            while (t := await queue.claim_next(f"{name}-{{k}}")) is not None:
                got.append(t.number)
            return got

        for got in await asyncio.gather(*(worker(k) for k in range(3))):
            for n in got:
                print(n, flush=True)
        await store.close()

    asyncio.run(main())
    """
)


@pytest.mark.slow
async def test_two_processes_never_double_claim(db_url: str) -> None:
    s, q = await make(db_url)
    try:
        numbers = [await s.save(draft(call_id=f"p{i}")) for i in range(150)]
        for n in numbers:
            await q.enqueue(n)
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-c", _CLAIMER.format(root=str(ROOT), url=db_url, name=f"proc{i}"),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            )
            for i in range(2)
        ]
        for p in procs:
            assert p.stdout is not None
            assert (await p.stdout.readline()).strip() == b"ready"
        outs = await asyncio.gather(*(p.communicate(b"go\n") for p in procs))
        assert [p.returncode for p in procs] == [0, 0]
        per_proc = [out.decode().split() for out, _ in outs]
        claimed = Counter(n for got in per_proc for n in got)
        assert sorted(claimed) == sorted(numbers) and set(claimed.values()) == {1}
        assert all(got for got in per_proc), "both processes should have claimed some callers"
    finally:
        await s.close()


def test_agent_hours() -> None:
    hours = AgentHours.parse("Mon-Fri 08:30-17:30, Sat 09:00-12:00")
    assert hours.is_open(datetime(2026, 11, 23, 8, 30))  # Monday
    assert not hours.is_open(datetime(2026, 11, 23, 17, 30))
    assert hours.next_open(datetime(2026, 11, 23, 18, 0)) == datetime(2026, 11, 24, 8, 30)
    assert hours.next_open(datetime(2026, 11, 28, 12, 5)) == datetime(2026, 11, 30, 8, 30)  # Sat noon -> Monday
    assert hours.next_open(datetime(2026, 11, 27, 20, 0)) == datetime(2026, 11, 28, 9, 0)  # Fri night -> Sat
    assert not hours.is_open(datetime(2026, 11, 29, 10, 0))  # Sunday
    night = AgentHours.parse("Sun-Mon 20:00-24:00")
    assert night.is_open(datetime(2026, 11, 29, 23, 59)) and night.is_open(datetime(2026, 11, 30, 21, 0))
    assert AgentHours.parse("always").is_open(datetime(2026, 11, 29, 3, 0))
    assert AgentHours.parse("").next_open(datetime(2026, 11, 29, 3, 0)) is None
    for bad in ("Mon-Fri 9-17", "Xyz 08:00-09:00", "Mon 17:00-08:00", "Mon 25:00-26:00"):
        with pytest.raises(ConfigError):
            AgentHours.parse(bad)


async def test_racing_transitions_keep_history_consistent(db_url: str) -> None:
    a, qa = await make(db_url)
    b = SqlTicketStore.from_url(db_url, now_ms=a.now_ms)
    qb = HandoffQueue(b, qa.hours)
    try:
        for i in range(15):
            n = await a.save(draft(call_id=f"race{i}"))
            await qa.enqueue(n)
            results = await asyncio.gather(
                qa.claim(n, "alice"), qb.claim(n, "bob"), qb.enqueue(n), qa.resolve(n, "carol") if i % 3 == 0
                else qb.request_callback(n, "13500000000"), return_exceptions=True,
            )
            claims = [r for r in results[:2] if not isinstance(r, BaseException)]
            assert all(isinstance(r, TicketError) for r in results if isinstance(r, BaseException))
            t = await a.get(n)
            assert t is not None
            assert t.status == t.history[-1].status  # the row and its history never disagree
            statuses = [h.status for h in t.history]
            assert statuses.count("claimed") == len(claims)
            # two agents only ever hold it one after the other: a callback released it in between
            claimed_at = [k for k, st in enumerate(statuses) if st == "claimed"]
            for first, second in itertools.pairwise(claimed_at):
                assert "callback_due" in statuses[first:second], statuses
            if "resolved" in statuses:
                assert statuses[-1] == "resolved"  # nothing happens to a ticket after it is resolved
    finally:
        await a.close()
        await b.close()


def test_agent_hours_in_their_own_time_zone() -> None:
    hours = AgentHours.parse("Mon-Fri 08:30-17:30", "Asia/Shanghai")
    utc_evening = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # Monday 18:00 UTC = Tuesday 02:00 in Shanghai
    assert not hours.is_open(utc_evening)
    assert hours.is_open(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))  # Tuesday 09:00 in Shanghai
    opens = hours.next_open(utc_evening)
    assert opens is not None and (opens.weekday(), opens.hour, opens.minute) == (1, 8, 30)  # said in agents' time
    assert opens == datetime(2026, 11, 24, 0, 30, tzinfo=UTC)
    with pytest.raises(ConfigError) as bad:
        AgentHours.parse("always", "Mars/Olympus")
    assert "Mars/Olympus" in bad.value.message
