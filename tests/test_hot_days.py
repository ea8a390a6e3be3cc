"""The hot-topics calendar and spike rule: days end at the zone's midnight (DST too), same weekdays, thresholds."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from voicebot.errors import ConfigError
from voicebot.handoff.hot_days import chart_days, day_bounds, day_of, same_weekdays, spike, zone
from voicebot.settings import HotTopicSettings, load_settings


def test_a_day_ends_at_midnight_in_the_hotline_zone() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    half_past_midnight = int(datetime(2026, 12, 2, 0, 30, tzinfo=shanghai).timestamp() * 1000)
    assert day_of(half_past_midnight, shanghai) == date(2026, 12, 2)
    assert day_of(half_past_midnight, ZoneInfo("UTC")) == date(2026, 12, 1)  # 16:30 UTC the day before
    start, end = day_bounds(date(2026, 12, 2), shanghai)
    assert start <= half_past_midnight < end and end - start == 24 * 3600 * 1000


def test_a_dst_day_is_23_or_25_hours_long() -> None:
    new_york = ZoneInfo("America/New_York")
    spring = day_bounds(date(2026, 3, 8), new_york)
    autumn = day_bounds(date(2026, 11, 1), new_york)
    assert spring[1] - spring[0] == 23 * 3600 * 1000 and autumn[1] - autumn[0] == 25 * 3600 * 1000


def test_zone_names_and_local_time() -> None:
    assert zone("") is None and zone(" Asia/Shanghai ") == ZoneInfo("Asia/Shanghai")
    with pytest.raises(ConfigError) as err:
        zone("Mars/Olympus")
    assert err.value.code == "config-bad-timezone"
    start, _ = day_bounds(date(2026, 12, 2), None)  # the machine's local midnight
    assert datetime.fromtimestamp(start / 1000).time().hour == 0


def test_charted_days_and_the_same_weekdays() -> None:
    wednesday = date(2026, 12, 2)
    assert chart_days(wednesday, 3) == (date(2026, 11, 30), date(2026, 12, 1), wednesday)
    weeks = same_weekdays(wednesday, 4)
    assert weeks == (date(2026, 11, 25), date(2026, 11, 18), date(2026, 11, 11), date(2026, 11, 4))
    assert {d.weekday() for d in weeks} == {wednesday.weekday()}


@pytest.mark.parametrize(
    ("today", "history", "flagged"),
    [
        (8, [2, 2, 2, 2], True),  # four times the usual
        (4, [2, 2, 2, 2], False),  # twice the usual but under the minimum count
        (9, [5, 5, 4, 6], False),  # under twice the usual
        (10, [5, 5, 5, 5], True),  # exactly the ratio counts
        (5, [0, 0, 0, 0], True),  # new: nothing on the same weekday before
        (5, [], True),
        (0, [], False),
    ],
)
def test_spike_rule(today: int, history: list[int], flagged: bool) -> None:
    result = spike(today, history, ratio=2.0, min_count=5)
    assert result.flagged is flagged and result.today == today
    assert result.baseline == (sum(history) / len(history) if history else 0.0)


def test_spike_ratio_and_the_rule_from_settings() -> None:
    assert spike(8, [2, 2, 4, 0], 2.0, 5).ratio == 4.0 and spike(3, [0], 2.0, 5).ratio is None
    rule = load_settings(env={"VOICEBOT_HOT_TOPICS__WEEKS": "6", "VOICEBOT_HOT_TOPICS__SPIKE_RATIO": "1.5",
                              "VOICEBOT_HOT_TOPICS__SPIKE_MIN_COUNT": "3"}).hot_topics  # fmt: skip
    assert (rule.weeks, rule.spike_ratio, rule.spike_min_count, rule.days) == (6, 1.5, 3, 14)
    assert spike(3, [2, 2], rule.spike_ratio, rule.spike_min_count).flagged
    for bad in ({"weeks": 0}, {"spike_ratio": 0.5}, {"spike_min_count": 0}, {"days": 100}):
        with pytest.raises(ConfigError) as err:
            HotTopicSettings(**bad)  # type: ignore[arg-type]
        assert err.value.code == "config-bad-hot-topics"
