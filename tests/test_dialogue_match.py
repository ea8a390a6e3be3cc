"""Comparing stored ticket fields with the corpus's expected values (real cn2an and text2num)."""

from __future__ import annotations

from typing import Any

import pytest

from voicebot.qa.dialogue_match import check_field, keywords_match, normalise, text_matches, ticket_value


def test_normalising_handles_full_width_case_punctuation_and_numerals() -> None:
    assert normalise("海淀区 学院路，二十八号！", "zh-CN") == "海淀区学院路28号"
    assert normalise("ＡＢＣ１２３", "zh-CN") == "abc123"
    assert normalise("Twenty-Eight  Main St.", "en-US") == "28 main st"
    assert normalise("一百零五号", "zh-CN") == "105号"
    assert normalise("每天晚上十点到夜里两点", "zh-CN") == "每天晚上10点到夜里2点"  # cn2an leaves 两点 as it is


@pytest.mark.parametrize(
    ("expected", "got", "lang", "ok"),
    [
        ("海淀区学院路28号小区门口", "海淀区学院路二十八号小区门口", "zh-CN", True),
        ("海淀区学院路28号小区门口", "北京市海淀区学院路28号小区门口", "zh-CN", True),  # a city the bot added
        ("海淀区学院路28号", "海淀区学院路28号小区门口", "zh-CN", True),  # 4 characters more: within slack
        ("海淀区学院路28号", "海淀区学院路28号小区门口东边", "zh-CN", False),  # too much added
        ("海淀区学院路28号小区门口", "海淀区学院路28号", "zh-CN", False),  # something missing
        ("海淀区学院路28号", "海淀区学院路29号", "zh-CN", False),
        ("28 Main Street", "twenty eight main street", "en-US", True),
        ("28 Main Street", "28 Main Street, apartment 5", "en-US", True),
        ("28 Main Street", "28 Main Street apartment 5 rear door", "en-US", False),
        ("晚上|夜里", "夜里", "zh-CN", True),
        (["每天中午晚上", "中午晚上"], "中午晚上", "zh-CN", True),
        (["每天中午晚上", "中午晚上"], "上午", "zh-CN", False),
    ],
)
def test_places_and_times_match_with_a_little_slack(expected: Any, got: str, lang: str, ok: bool) -> None:
    assert text_matches(expected, got, lang) is ok


def test_a_province_or_city_from_location_parts_is_ignored() -> None:
    parts = {"province": "浙江省", "city": "杭州市"}
    ticket = {"fields": {"location": "浙江省杭州市西湖区文三路5号", "location_parts": parts}}
    assert check_field("location", "西湖区文三路5号", ticket, "zh-CN").ok
    en = {"fields": {"location": "28 Main Street Springfield", "location_parts": {"city": "Springfield"}}}
    assert check_field("location", "28 Main Street", en, "en-US").ok


def test_description_keywords_must_all_appear() -> None:
    assert keywords_match(["油烟", "饭馆|餐馆"], "楼下餐馆的油烟太大", "zh-CN")
    assert not keywords_match(["油烟", "饭馆|餐馆"], "楼下的油烟太大", "zh-CN")
    assert keywords_match("Loud Music", "there is loud music every night", "en-US")


def test_phone_digits_and_anonymous() -> None:
    ticket: dict[str, Any] = {"fields": {"callback_phone": "138 1234 5679"}}
    assert check_field("callback_phone", "13812345679", ticket, "zh-CN").ok
    assert not check_field("callback_phone", "13812345678", ticket, "zh-CN").ok
    assert not check_field("callback_phone", "anonymous", ticket, "zh-CN").ok
    assert check_field("callback_phone", "anonymous", {"fields": {"anonymous": True}}, "zh-CN").ok
    assert check_field("callback_phone", "anonymous", {"fields": {}}, "zh-CN").ok
    assert not check_field("callback_phone", "13812345679", None, "zh-CN").ok


def test_district_is_read_wherever_the_ticket_keeps_it() -> None:
    top = {"district": "海淀区", "fields": {}}
    flat = {"fields": {"district": "海淀区"}}
    parts = {"fields": {"location_parts": {"district": "海淀区", "city": "北京市"}}}
    nested = {"fields": {"extra": {"area": {"district": {"name": "海淀区", "code": "110108"}}}}}
    order = {"work_order": {"area": {"district": "海淀区"}}, "fields": {"location_parts": {"district": "朝阳区"}}}
    for ticket in (top, flat, parts, nested, order):  # the work order's area wins over the action server's guess
        assert ticket_value(ticket, "district") == "海淀区", ticket
        assert check_field("district", "海淀区", ticket, "zh-CN").ok
    assert not check_field("district", "朝阳区", parts, "zh-CN").ok


def test_category_request_type_confidential_and_id_number() -> None:
    ticket = {
        "confidential": True,
        "fields": {"complaint_category": "noise", "request_type": "report", "id_number": "11010519491231002x"},
    }
    assert check_field("category", "noise", ticket, "zh-CN").ok
    assert not check_field("category", "traffic", ticket, "zh-CN").ok
    assert check_field("request_type", "report|complaint", ticket, "zh-CN").ok
    assert check_field("confidential", True, ticket, "zh-CN").ok
    assert not check_field("confidential", False, ticket, "zh-CN").ok
    assert check_field("id_number", "11010519491231002X", ticket, "zh-CN").ok
    missing = check_field("category", "noise", None, "zh-CN")
    assert not missing.ok and missing.got is None
