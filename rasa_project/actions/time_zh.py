"""Mandarin times: jionlp time NER + ``parse_time`` relative to the call's time.

``parse_time_zh(libs, "嗯 昨天 晚上 十点多", base)`` -> words ``昨天晚上十点多``, norm ``point 2026-11-30T22:00:00 ..
22:59:59``. ``每天晚上`` is ``recurring`` (jionlp's ``time_period``), ``十点以后`` an open ``span``, ``两个星期了`` a
``duration`` up to the call. Vague answers (刚才, 这几天, 一直这样) are times without a normalised form. A phone
number is not a time, although jionlp reads 三八 in 幺三八... as 8 March.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from actions import extracted
from actions.extracted import TimeAnswer, TimeNorm
from actions.lead_ins import without_lead_ins
from actions.nlp_libs import NlpLibs
from actions.spoken_digits import ZH_NUMERAL, longest_digits

LEAD_INS = tuple("时间是 时间 就是在 发生在 是在 就在 在 是 那个 就是 就 嗯 呃 额 啊 哦 然后 我刚才说了 我刚说了 刚说了 "
                 "我说了 你问时间啊 你问时间 时间啊".split())
INNER_FILLERS = ("那个", "就是", "嗯", "呃", "额", "啊")
# Words that carry no time ("天天都这样": the time is 天天).
NO_INFO = ("都是这样", "都这样", "一直这样", "老这样", "总这样", "就这样", "吧", "呢", "呀")
# Spoken forms written the way an agent writes them (the caller's meaning is kept).
SPOKEN = (("天天", "每天"), ("每晚", "每天晚上"), ("夜夜", "每天夜里"), ("昨儿个", "昨天"), ("昨儿", "昨天"),
          ("今儿个", "今天"), ("今儿", "今天"), ("前儿个", "前天"), ("前儿", "前天"), ("晌午", "中午"),
          ("大半夜", "半夜"), ("俩", "两个"), ("仨", "三个"))
# Answers that say when without a date (jionlp cannot place them).
VAGUE = tuple(
    "刚才 刚刚 方才 最近 近来 这几天 这两天 前几天 前两天 这段时间 前段时间 这阵子 一直 经常 老是 "
    "总是 每次 有时候 平时 好久 很久 之前 以前 那天 一段时间 半天 现在 正在 马上 天天 每天 上个月 "
    "上个星期 上周 去年 前年 年初 月初 月底 阵子 这个月 本月 这个星期 这礼拜 这周 今年 入冬 入夏 开春 入秋".split()
)
TIME_UNITS = "点号日月年天分秒时周星期晚早午夜"
NUMERALS_ONLY = re.compile(rf"^[\d{ZH_NUMERAL}]+$")
# A month said without its year or day ("九月份", "从七月到现在"); not 十二月五号, 2025年9月, 两个月, 上个月.
BARE_MONTH = re.compile(r"(?<![年\d零〇一二三四五六七八九十两个上下本这每])([一二三四五六七八九十]{1,3}|\d{1,2})月份?(?![\d零〇一二三四五六七八九十两]+[号日])")
# Money or a bare count of minutes/seconds jionlp reads as a clock time ("加班费一分不给", "五毛钱", "三秒").
NOT_A_TIME_ZH = re.compile(rf"^[\d{ZH_NUMERAL}半]+(?:分|秒|毛|角|块)(?!钟)")
HOUSE_NUMBER = re.compile(rf"^[\d{ZH_NUMERAL}]+号$")
# A complaint is about the past: a weekday or date jionlp puts after the call means the last one before it.
FUTURE_CUES = ("明天", "后天", "下周", "下个", "下星期", "下礼拜", "以后", "将来", "待会", "等会", "明年", "马上")
DELTA_UNITS = {"year": 365.0, "month": 30.0, "day": 1.0, "hour": 1 / 24, "minute": 1 / 1440, "second": 1 / 86400}


def clean_time_zh(text: str, written: bool = True) -> str:
    """Return the caller's time words without spaces, lead-ins, fillers and empty phrases; ``written``: spoken
    forms as an agent writes them (天天 -> 每天, 俩 -> 两个), for the parser."""
    out = re.sub(r"[\s，,。.！!？?、]+", "", text)
    for spoken, written_form in SPOKEN if written else ():
        out = out.replace(spoken, written_form)
    for phrase in NO_INFO:
        if out == phrase:
            continue
        if written:
            out = out.replace(phrase, "")
        elif out.endswith(phrase):
            out = out[: -len(phrase)]  # the caller's words keep "一直都这样早晚高峰" whole; only a tail says nothing
    out = without_lead_ins(out, LEAD_INS)
    for filler in INNER_FILLERS:
        out = out.replace(filler, "")
    return out


def with_year(libs: NlpLibs, words: str, base: datetime) -> str:
    """Put the year before a bare month jionlp cannot place ("九月份开始" -> "2026年9月开始"): the last such month
    up to the call (a complaint is about the past)."""
    def dated(match: re.Match[str]) -> str:
        try:
            month = int(libs.cn2an().cn2an(match.group(1), "smart"))
        except ValueError:
            return match.group(0)
        if not 1 <= month <= 12:
            return match.group(0)
        year = base.year if month <= base.month else base.year - 1
        return f"{year}年{month}月"
    return BARE_MONTH.sub(dated, words)


def _iso(value: str | None) -> str | None:
    if not value or value in ("inf", "-inf"):
        return None
    return value.replace(" ", "T")


def _is_time_entity(entity: dict[str, Any], text: str) -> bool:
    """Digits alone (三八 in 幺三八...) are no time; nor is a house number after a place name (学院路二十八号)."""
    if NUMERALS_ONLY.match(entity["text"]) or NOT_A_TIME_ZH.match(entity["text"]):
        return False
    start = entity["offset"][0]
    return not (HOUSE_NUMBER.match(entity["text"]) and start > 0 and text[start - 1] not in "月")


def _norm(entity: dict[str, Any], base: datetime) -> TimeNorm | None:
    detail = entity.get("detail") or {}
    kind, when = detail.get("type"), detail.get("time")
    if kind == "time_point" and isinstance(when, list):
        return _in_the_past(TimeNorm("point", _iso(when[0]), _iso(when[1])), entity["text"], base)
    if kind == "time_span" and isinstance(when, list):
        return TimeNorm("span", _iso(when[0]), _iso(when[1]))
    if kind == "time_period" and isinstance(when, dict):
        point = (when.get("point") or {}).get("time") or [None, None]
        return TimeNorm("recurring", _iso(point[0]), _iso(point[1]))
    if kind == "time_delta" and isinstance(when, dict):
        days = sum(float(when.get(unit) or 0) * factor for unit, factor in DELTA_UNITS.items())
        start = base - timedelta(days=days)
        return TimeNorm("duration", start.isoformat(timespec="seconds"), base.isoformat(timespec="seconds"))
    return None


def _in_the_past(norm: TimeNorm, text: str, base: datetime) -> TimeNorm:
    """Move a weekday (周日), day of month (二十号) or date (十二月五号) jionlp placed after the call back before it."""
    if not norm.start or not norm.end or datetime.fromisoformat(norm.start) <= base or "年" in text:
        return norm
    if any(cue in text for cue in FUTURE_CUES):
        return norm
    start, end = datetime.fromisoformat(norm.start), datetime.fromisoformat(norm.end)
    try:
        if "月" in text:
            start, end = start.replace(year=start.year - 1), end.replace(year=end.year - 1)
        elif any(week in text for week in ("周", "星期", "礼拜")):
            start, end = start - timedelta(days=7), end - timedelta(days=7)
        elif "号" in text or "日" in text:
            start, end = _month_before(start), _month_before(end)
        else:
            return norm
    except ValueError:  # 31号 in a month without a 31st
        return norm
    return TimeNorm(norm.kind, start.isoformat(timespec="seconds"), end.isoformat(timespec="seconds"))


def _month_before(value: datetime) -> datetime:
    if value.month == 1:
        return value.replace(year=value.year - 1, month=12)
    return value.replace(month=value.month - 1)


def _combine(norms: list[TimeNorm]) -> TimeNorm:
    """One normalised time for several expressions (中午 / 晚上): the earliest start to the latest end."""
    if len(norms) == 1:
        return norms[0]
    kind = "recurring" if any(n.kind == "recurring" for n in norms) else norms[0].kind
    starts = [n.start for n in norms if n.start]
    ends = [n.end for n in norms if n.end]
    open_end = any(n.end is None for n in norms)
    return TimeNorm(kind, min(starts) if starts else None, None if open_end or not ends else max(ends))


def parse_time_zh(libs: NlpLibs, text: str, base: datetime | None = None) -> TimeAnswer:
    """Return the time in a Mandarin answer, normalised relative to ``base`` (the call's time; default now)."""
    heard = text.strip()
    words = clean_time_zh(heard)
    if not words:
        return TimeAnswer(False, None, None, heard, extracted.EMPTY)
    if len(longest_digits(words)) >= 5 and not any(unit in words for unit in TIME_UNITS):
        return TimeAnswer(False, None, None, heard, extracted.DIGITS)
    when = base or datetime.now()
    dated = with_year(libs, words, when)
    found = libs.jionlp().ner.extract_time(dated, time_base=when.timestamp(), with_parsing=True)
    norms = [n for e in found if _is_time_entity(e, dated) and (n := _norm(e, when)) is not None]
    if norms:
        return TimeAnswer(True, words, _combine(norms), heard)
    if any(word in words for word in VAGUE):
        return TimeAnswer(True, words, None, heard, extracted.UNPARSED)
    return TimeAnswer(False, None, None, heard, extracted.NOT_A_TIME)


def is_time_zh(libs: NlpLibs, text: str, base: datetime | None = None) -> bool:
    """Return whether a Mandarin text says when (a phone number or a place does not)."""
    return parse_time_zh(libs, text, base).ok
