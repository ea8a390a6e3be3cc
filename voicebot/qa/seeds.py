"""Tickets a scenario needs in the store before its call (a repeat caller's open ticket, another caller's one).

```yaml
calling_number: "+86 139 0013 9000"   # the line's calling number (default: withheld)
tickets:
  - number: "20261205"                 # 8 digits, unique in the suite
    calling_number: "13900139000"      # who filed it (compared in the normal form)
    status: claimed                    # new, queued, claimed, callback_due, resolved
    department: 朝阳区住房和城乡建设委员会
    deadline: "2026-12-05T18:00+08:00" # 办理时限 (an absolute time: the replay reads the same at any hour)
    callback_phone: "13700137000"
    description: 建国路工地夜间施工噪音
```
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import update

from voicebot.handoff.base import TicketDraft
from voicebot.handoff.schema import tickets
from voicebot.handoff.ticket import STATUSES

_KEYS = {"number", "calling_number", "status", "department", "deadline", "callback_phone", "description"}


@dataclass(frozen=True, slots=True)
class SeedTicket:
    """A ticket stored before the scenario's call."""

    number: str
    """Its 8-digit number."""
    calling_number: str = ""
    """The number it was filed from."""
    status: str = "new"
    """Its status when the call starts."""
    department: str | None = None
    """The department handling it (承办单位)."""
    deadline_at: int | None = None
    """Its 办理时限, epoch ms."""
    callback_phone: str = ""
    """The callback number the caller gave."""
    description: str = ""
    """What it is about."""


class SeedStore(Protocol):
    """The SQL store the replay writes seeds into (``SqlTicketStore``)."""

    engine: Any
    """Its async engine."""

    async def save(self, draft: TicketDraft, number: str | None = None) -> str:
        """Store a draft under ``number``."""


def parse_seeds(raw: Any, fail: Callable[[str], Exception]) -> tuple[SeedTicket, ...]:
    """Return a scenario's ``tickets:`` list (raise ``fail(problem)``)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise fail("must be a list")
    seeds = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or set(item) - _KEYS or not str(item.get("number", "")).isdigit():
            raise fail(f"entry {i} needs number: (digits) and only the keys {sorted(_KEYS)}")
        status = str(item.get("status") or "new")
        if status not in STATUSES:
            raise fail(f"entry {i}: status must be one of {', '.join(STATUSES)}")
        deadline = item.get("deadline")
        if deadline is not None and not isinstance(deadline, datetime.datetime):
            try:
                deadline = datetime.datetime.fromisoformat(str(deadline))
            except ValueError as err:
                raise fail(f"entry {i}: deadline {deadline!r} is no date and time") from err
        seeds.append(SeedTicket(
            number=str(item["number"]), calling_number=str(item.get("calling_number") or ""), status=status,
            department=item.get("department"), deadline_at=int(deadline.timestamp() * 1000) if deadline else None,
            callback_phone=str(item.get("callback_phone") or ""), description=str(item.get("description") or ""),
        ))  # fmt: skip
    return tuple(seeds)


async def seed_tickets(store: SeedStore, seeds: tuple[SeedTicket, ...]) -> None:
    """Store the seeds (idempotent: the same seed again updates its ticket)."""
    for seed in seeds:
        fields = {k: v for k, v in (("callback_phone", seed.callback_phone), ("description", seed.description)) if v}
        draft = TicketDraft(f"seed-{seed.number}", "complaint", calling_number=seed.calling_number, fields=fields)
        number = await store.save(draft, seed.number)
        async with store.engine.begin() as conn:
            await conn.execute(update(tickets).where(tickets.c.number == number).values(
                status=seed.status, department=seed.department, deadline_at=seed.deadline_at))  # fmt: skip
