"""queue_from_settings: the agents' hours are read in the configured time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from voicebot.handoff.queue_config import queue_from_settings
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings


async def test_hours_are_read_in_the_configured_zone(tmp_path: Path) -> None:
    store = SqlTicketStore.from_url(f"sqlite:///{tmp_path / 'q.db'}")
    try:
        queue = queue_from_settings(store, HandoffSettings(agent_hours="Mon 09:00-10:00", timezone="Asia/Shanghai"))
        assert queue.store is store
        monday_0930_shanghai = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)  # UTC+8
        assert queue.is_open(monday_0930_shanghai)
        assert not queue.is_open(datetime(2026, 11, 30, 9, 30, tzinfo=UTC))  # 09:30 UTC is 17:30 in Shanghai
    finally:
        await store.close()
