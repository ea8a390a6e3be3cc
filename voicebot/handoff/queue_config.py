"""The one place a ``HandoffQueue`` is built from settings (the calls' engines and the console both use it)."""

from __future__ import annotations

from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings


def queue_from_settings(store: SqlTicketStore, settings: HandoffSettings, followups: bool = False) -> HandoffQueue:
    """Return the queue on ``store`` with the agents' hours of ``settings`` (``agent_hours`` in ``timezone``);
    ``followups`` (``[followup] enabled``): resolving a ticket queues its 回访."""
    return HandoffQueue(store, AgentHours.parse(settings.agent_hours, settings.timezone), followups=followups)
