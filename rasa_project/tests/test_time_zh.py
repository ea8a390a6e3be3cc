"""Mandarin times with the real jionlp, relative to a fixed call time."""

from __future__ import annotations

from datetime import datetime

import pytest
from actions import extracted
from actions.nlp_libs import NlpLibs
from actions.time_zh import clean_time_zh, is_time_zh, parse_time_zh

CALL = datetime(2026, 12, 1, 15, 30)  # a Tuesday afternoon


@pytest.fixture(scope="module")
def libs() -> NlpLibs:
    return NlpLibs()


@pytest.mark.parametrize(
    ("text", "words", "kind", "start", "end"),
    [
        ("嗯 昨天 晚上 十点多", "昨天晚上十点多", "point", "2026-11-30T22:00:00", "2026-11-30T22:59:59"),
        ("前天下午三点", "前天下午三点", "point", "2026-11-29T15:00:00", "2026-11-29T15:59:59"),
        ("大前天晚上十一点半", "大前天晚上十一点半", "point", "2026-11-28T23:30:00", "2026-11-28T23:30:59"),
        ("上周五下午", "上周五下午", "point", "2026-11-27T13:00:00", "2026-11-27T17:59:59"),
        ("十一月二十号", "十一月二十号", "point", "2026-11-20T00:00:00", "2026-11-20T23:59:59"),
        ("三天前", "三天前", "point", "2026-11-28T00:00:00", "2026-11-28T23:59:59"),
        ("就 今天早上", "今天早上", "point", "2026-12-01T06:00:00", "2026-12-01T09:59:59"),
        ("晚上十点以后", "晚上十点以后", "span", "2026-12-01T22:00:00", None),
        ("每天晚上", "每天晚上", "recurring", "2026-12-01T18:00:00", "2026-12-01T23:59:59"),
        ("每个周末", "每个周末", "recurring", "2026-12-06T00:00:00", "2026-12-06T23:59:59"),
        ("两个星期了", "两个星期了", "duration", "2026-11-17T15:30:00", "2026-12-01T15:30:00"),
        # Regional words, written the way an agent writes them.
        ("昨儿个晚上", "昨天晚上", "point", "2026-11-30T18:00:00", "2026-11-30T23:59:59"),
        ("今儿晌午", "今天中午", "point", "2026-12-01T12:00:00", "2026-12-01T13:59:59"),
        # A complaint is about the past: the last such weekday / day / date before the call.
        ("礼拜天早上", "礼拜天早上", "point", "2026-11-29T06:00:00", "2026-11-29T09:59:59"),
        ("星期五晚上", "星期五晚上", "point", "2026-11-27T18:00:00", "2026-11-27T23:59:59"),
        ("二十号", "二十号", "point", "2026-11-20T00:00:00", "2026-11-20T23:59:59"),
        ("十二月五号", "十二月五号", "point", "2025-12-05T00:00:00", "2025-12-05T23:59:59"),
        ("明天", "明天", "point", "2026-12-02T00:00:00", "2026-12-02T23:59:59"),  # said so: kept
        # A bare month jionlp cannot place: the last one up to the call, in the caller's words.
        ("九月份开始", "九月份开始", "span", "2026-09-01T00:00:00", "2026-12-01T15:30:00"),  # since then
        ("十一月份", "十一月份", "point", "2026-11-01T00:00:00", "2026-11-30T23:59:59"),
        ("俩礼拜了", "两个礼拜了", "duration", "2026-11-17T15:30:00", "2026-12-01T15:30:00"),
    ],
)
def test_times(libs: NlpLibs, text: str, words: str, kind: str, start: str, end: str | None) -> None:
    answer = parse_time_zh(libs, text, CALL)
    assert answer.ok and answer.reason is None
    assert answer.words == words
    assert answer.heard == text.strip()
    assert answer.norm is not None
    assert (answer.norm.kind, answer.norm.start, answer.norm.end) == (kind, start, end)


def test_everyday_words_are_written_as_an_agent_writes_them(libs: NlpLibs) -> None:
    answer = parse_time_zh(libs, "天天 都这样 中午 晚上 做饭 的 时候", CALL)
    assert answer.words == "每天中午晚上做饭的时候"
    assert answer.norm is not None and answer.norm.kind == "recurring"
    assert answer.norm.start == "2026-12-01T12:00:00" and answer.norm.end == "2026-12-01T23:59:59"
    assert answer.as_fields()["incident_time_norm"]["kind"] == "recurring"


@pytest.mark.parametrize("text", ["刚才", "这几天", "一直这样", "上个月开始的", "最近老是半夜", "这一阵子都这样"])
def test_vague_times_are_times_without_a_norm(libs: NlpLibs, text: str) -> None:
    answer = parse_time_zh(libs, text, CALL)
    assert answer.ok
    assert answer.words
    if answer.norm is None:
        assert answer.reason == extracted.UNPARSED


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # The failure: a phone number given when asked *when* stored as the incident time
        # (jionlp alone reads 三八 in it as 8 March).
        ("幺三八幺二三四五六七八", extracted.DIGITS),
        ("13812345678", extracted.DIGITS),
        ("学院路二十八号", extracted.NOT_A_TIME),  # a house number is no date
        ("我不想留电话", extracted.NOT_A_TIME),
        ("不知道", extracted.NOT_A_TIME),
        ("嗯", extracted.EMPTY),
        ("加班费一分不给", extracted.NOT_A_TIME),  # money, not a minute past
        ("五毛钱", extracted.NOT_A_TIME),
    ],
)
def test_non_times(libs: NlpLibs, text: str, reason: str) -> None:
    answer = parse_time_zh(libs, text, CALL)
    assert not answer.ok
    assert answer.words is None and answer.norm is None
    assert answer.reason == reason
    assert not is_time_zh(libs, text, CALL)


def test_clean_time() -> None:
    assert clean_time_zh("时间是 那个 昨天晚上") == "昨天晚上"
    assert clean_time_zh("每晚十点以后") == "每天晚上十点以后"


@pytest.mark.parametrize(
    ("said", "words"),
    [
        ("嗯 前天 晚上 九点 多 回来 才 看见 门 被 划 了", "前天晚上九点多"),  # what they found after the time goes
        ("两个 礼拜 了 吧 就 上 周三 到 现在", "两个礼拜了上周三到现在"),  # 吧 inside the answer
        ("每天 晚上 十点 以后 又 开始 了", "每天晚上十点以后又开始了"),  # a short remainder stays
    ],
)
def test_a_short_answer_keeps_its_time_words(said: str, words: str) -> None:
    from actions.fields import FieldReader

    value = FieldReader().incident_time(said, "zh-CN", CALL, answer=True)
    assert value is not None and value.value == words
