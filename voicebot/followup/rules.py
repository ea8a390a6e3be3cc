"""When and whom a 回访 may call: pure functions of the ticket, the policy and an injected ``now``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from voicebot.handoff.hours import AgentHours
from voicebot.handoff.ticket import Ticket
from voicebot.settings import FollowupSettings

WITHHELD = frozenset({"", "anonymous", "unknown", "withheld", "restricted", "private", "unavailable"})
"""Caller ids that are no number to call (lower-cased user parts switches put in From for hidden callers)."""


@dataclass(frozen=True, slots=True)
class Policy:
    """The 回访 rules of ``[followup]``."""

    hours: AgentHours
    """When citizens may be called (``allowed_hours`` in the hotline's time zone)."""
    max_attempts: int = 3
    """Calls per ticket before giving up."""
    retry_delay_s: float = 1800.0
    """Wait after a failed attempt."""
    daily_cap: int = 200
    """回访 started per local day at most."""
    call_anonymous: bool = False
    """Call citizens who asked to stay anonymous."""
    call_confidential: bool = False
    """Call about confidential tickets."""

    @classmethod
    def from_settings(cls, settings: FollowupSettings, timezone: str) -> Policy:
        """Build the policy (``timezone``: ``[handoff] timezone``, the hotline's)."""
        return cls(AgentHours.parse(settings.allowed_hours, timezone), settings.max_attempts, settings.retry_delay_s,
                   settings.daily_cap, settings.call_anonymous, settings.call_confidential)


def callee(ticket: Ticket) -> str:
    """Return the number to call: the callback number the citizen gave, else the caller id ('' if withheld)."""
    for number in (ticket.callback_number or "", str(ticket.fields.get("callback_phone") or ""),
                   ticket.calling_number):
        digits = number.strip().removeprefix("+")
        if digits.lower() not in WITHHELD and digits.isdigit():
            return digits
    return ""


def skip_reason(ticket: Ticket, policy: Policy) -> str | None:
    """Return why this ticket gets no 回访 (``confidential``, ``anonymous``, ``no-number``), or ``None``."""
    if ticket.confidential and not policy.call_confidential:
        return "confidential"
    if bool(ticket.fields.get("anonymous")) and not policy.call_anonymous:
        return "anonymous"
    if not callee(ticket):
        return "no-number"
    return None


def day_start(now: datetime, policy: Policy) -> datetime:
    """Return local midnight of ``now``'s day in the hotline's time zone (where the daily cap restarts)."""
    local = now.astimezone(policy.hours.zone) if policy.hours.zone is not None and now.tzinfo else now
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def hold_reason(now: datetime, policy: Policy, started_today: int) -> str | None:
    """Return why no 回访 may start at ``now`` (``outside-hours``, ``daily-cap``), or ``None``: go ahead."""
    if not policy.hours.is_open(now):
        return "outside-hours"
    if started_today >= policy.daily_cap:
        return "daily-cap"
    return None


def next_attempt(now: datetime, attempts: int, policy: Policy) -> datetime | None:
    """Return when to try again after a failed attempt (``retry_delay_s`` on, within the allowed hours);
    ``None`` once ``max_attempts`` calls were made."""
    if attempts >= policy.max_attempts:
        return None
    return policy.hours.next_open(now + timedelta(seconds=policy.retry_delay_s))

