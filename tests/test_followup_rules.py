"""The 回访 rules as pure functions of a given time: the same verdicts whatever the hour the tests run at."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from voicebot.followup.rules import Policy, callee, day_start, hold_reason, next_attempt, skip_reason
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.ticket import Ticket
from voicebot.settings import FollowupSettings

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = Policy.from_settings(FollowupSettings(allowed_hours="Mon-Sun 09:00-20:00", max_attempts=3,
                                               retry_delay_s=1800, daily_cap=2), "Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def ticket(**kw: object) -> Ticket:
    base: dict[str, object] = dict(
        number="12345678", call_id="c", kind="complaint", status="resolved", language="zh-CN", channel="sip",
        calling_number="13812345678", called_number="12345", protocol_call_id="", intent=None, fields={},
        faq_topics=(), transcript=(), handoff_reason=None, confidential=False, recording_ref=None, started_at=0,
        created_at=0, updated_at=0, queued_at=None, claimed_at=None, claimed_by=None, resolved_at=None,
        callback_number=None, notes="", purged_at=None, recording_missing=False, repeat_of=None, satisfaction=None)
    base.update(kw)
    return Ticket(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("when", "started", "verdict"), [
    (at(8, 59), 0, "outside-hours"),
    (at(9, 0), 0, None),
    (at(19, 59), 1, None),
    (at(20, 0), 0, "outside-hours"),
    (at(12), 2, "daily-cap"),
    (datetime(2026, 12, 2, 4, 30, tzinfo=ZoneInfo("UTC")), 0, None),  # 12:30 in Shanghai
    (datetime(2026, 12, 2, 13, 30, tzinfo=ZoneInfo("UTC")), 0, "outside-hours"),  # 21:30 in Shanghai
])
def test_calls_only_within_hours_and_under_the_cap(when: datetime, started: int, verdict: str | None) -> None:
    assert hold_reason(when, POLICY, started) == verdict


def test_the_cap_restarts_at_local_midnight() -> None:
    late_utc = datetime(2026, 12, 2, 17, 0, tzinfo=ZoneInfo("UTC"))  # already 01:00 on the 3rd in Shanghai
    assert day_start(late_utc, POLICY) == datetime(2026, 12, 3, 0, 0, tzinfo=SHANGHAI)


def test_retry_waits_the_delay_and_skips_the_night() -> None:
    assert next_attempt(at(10), 1, POLICY) == at(10, 30)
    assert next_attempt(at(19, 45), 2, POLICY) == at(9, 0, day=3)  # 20:15 is after hours: next morning
    assert next_attempt(at(10), 3, POLICY) is None  # the third attempt was the last


def test_who_is_not_called() -> None:
    assert skip_reason(ticket(), POLICY) is None
    assert skip_reason(ticket(confidential=True), POLICY) == "confidential"
    assert skip_reason(ticket(fields={"anonymous": True}), POLICY) == "anonymous"
    assert skip_reason(ticket(calling_number="anonymous"), POLICY) == "no-number"
    assert skip_reason(ticket(calling_number=""), POLICY) == "no-number"
    allowed = dataclasses.replace(POLICY, call_confidential=True, call_anonymous=True)
    assert skip_reason(ticket(confidential=True, fields={"anonymous": True}), allowed) is None


def test_the_number_called_prefers_the_one_the_citizen_gave() -> None:
    assert callee(ticket(callback_number="13500003333")) == "13500003333"
    assert callee(ticket(fields={"callback_phone": "+8613600001111"})) == "8613600001111"
    assert callee(ticket(calling_number="withheld", callback_number=None)) == ""
    assert callee(ticket()) == "13812345678"


def test_always_means_any_hour() -> None:
    always = Policy(AgentHours.parse("always"))
    assert all(hold_reason(at(h), always, 0) is None for h in range(24))
