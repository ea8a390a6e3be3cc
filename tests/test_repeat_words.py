"""Repeat callers in words: the one normal form of calling numbers, the answer to the offer, deadlines said aloud."""

from __future__ import annotations

from datetime import UTC

import pytest

from voicebot.call.plain_words import date_words, ordinal
from voicebot.call.repeat_answer import read_repeat_answer
from voicebot.handoff.caller_number import caller_key, masked, spoken_number


@pytest.mark.parametrize("raw", ["13800138000", "+8613800138000", "+86 138-0013-8000", "008613800138000",
                                 "8613800138000", "013800138000", "(138) 0013 8000", " 138.0013.8000 "])  # fmt: skip
def test_every_spelling_of_a_mobile_is_one_key(raw: str) -> None:
    assert caller_key(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["010-6512-3456", "01065123456", "+86 10 6512 3456", "0086 10 65123456",
                                 "861065123456"])  # fmt: skip
def test_a_landline_keeps_its_area_codes_leading_zero(raw: str) -> None:
    assert caller_key(raw) == "01065123456"


@pytest.mark.parametrize("raw", ["", None, "anonymous", "Anonymous", "unknown", "restricted", "private", "withheld",
                                 "sip-user", "12", "+"])  # fmt: skip
def test_withheld_or_no_number_gives_no_key(raw: str | None) -> None:
    assert caller_key(raw) == ""


def test_other_countries_keep_their_code_and_differ_from_chinese_numbers() -> None:
    assert caller_key("+44 20 7946 0000") == "+442079460000"
    assert caller_key("+44 20 7946 0000") != caller_key("02079460000")
    assert caller_key("1001") == "1001"  # an extension is compared as it is


def test_spoken_and_keyed_numbers_become_digits() -> None:
    assert spoken_number("幺三七 零零幺三 七零零零") == "13700137000"
    assert spoken_number("一三七零零一三七零零零") == "13700137000"
    assert spoken_number("one three seven oh oh one three seven zero zero zero") == "13700137000"
    assert spoken_number("13700137000") == "13700137000"
    assert caller_key(spoken_number("我的号码是 幺三七 零零幺三 七零零零")) == "13700137000"


def test_log_form_keeps_only_the_last_four_digits() -> None:
    assert masked("+86 138 0013 8000") == "*******8000" and masked("anonymous") == "withheld"


@pytest.mark.parametrize(("text", "answer"), [
    ("是的 我想问问进展", "status"), ("对", "status"), ("进展怎么样了", "status"), ("yes please", "status"),
    ("how is it going, any progress", "status"), ("还是那个问题 又开始施工了", "again"), ("垃圾又堆起来了", "again"),
    ("it is the same problem again", "again"), ("不是", "no"), ("不用了", "no"), ("no", "no"),
    ("不是 我想问公积金", "other"), ("我想问一下公积金怎么取", "other"), ("what are your office hours", "other"),
])  # fmt: skip
def test_the_answer_to_the_repeat_offer_is_read(text: str, answer: str) -> None:
    assert read_repeat_answer(text) == answer


def test_deadlines_are_said_as_a_calendar_day_in_the_calls_zone() -> None:
    from datetime import datetime, timedelta, timezone

    shanghai = timezone(timedelta(hours=8))
    ms = int(datetime(2026, 12, 5, 18, 0, tzinfo=shanghai).timestamp() * 1000)
    assert date_words(ms, shanghai, "zh-CN") == "十二月五日"
    assert date_words(ms, shanghai, "en-US") == "December 5th"
    late = int(datetime(2026, 12, 5, 23, 30, tzinfo=shanghai).timestamp() * 1000)
    assert date_words(late, shanghai, "zh-CN") == "十二月五日" and date_words(late, UTC, "en-US") == "December 5th"
    assert [ordinal(d) for d in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]  # fmt: skip
