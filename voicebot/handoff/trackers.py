"""Rasa conversations under retention: delete old trackers from Rasa's SQL tracker store.

With ``tracker_store: SQL`` (``rasa_project/endpoints.scale.yml``) every caller turn, slot and bot reply of a
call is a row of Rasa's ``events`` table (``sender_id`` = the bot's call id, ``timestamp`` in epoch seconds;
schema of ``rasa.core.tracker_store.SQLTrackerStore`` in Rasa 3.6). Rasa's default in-memory tracker store keeps
conversations only in the Rasa process: they are gone when it restarts, and nothing here can reach them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, func, select
from sqlalchemy.exc import SQLAlchemyError

from voicebot.errors import TicketError
from voicebot.handoff.db import make_engine

_metadata = MetaData()
events = Table(
    "events",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
"""Rasa's SQL tracker store table (as Rasa creates it; this module only deletes from it)."""


async def purge_trackers(url: str, cutoff_ms: int, call_ids: Iterable[str] = ()) -> int:
    """Delete every conversation whose newest event is older than ``cutoff_ms``, and those of ``call_ids``.

    Whole conversations go, never part of one. Returns how many events were deleted; raises ``TicketError``
    (``tracker-purge-failed``) when the database cannot be reached or has no ``events`` table.
    """
    engine = make_engine(url)
    newest = func.max(events.c.timestamp)
    old = select(events.c.sender_id).group_by(events.c.sender_id).having(newest < cutoff_ms / 1000)
    ids = sorted(set(call_ids))
    try:
        async with engine.begin() as conn:
            deleted = (await conn.execute(delete(events).where(events.c.sender_id.in_(old.scalar_subquery())))).rowcount
            for start in range(0, len(ids), 500):  # bounded IN lists
                chunk = ids[start : start + 500]
                deleted += (await conn.execute(delete(events).where(events.c.sender_id.in_(chunk)))).rowcount
    except (SQLAlchemyError, OSError) as err:
        raise TicketError("tracker-purge-failed", f"cannot delete old Rasa conversations: {err}") from err
    finally:
        await engine.dispose()
    return int(deleted or 0)
