"""Mandarin addresses with the real jionlp and cn2an."""

from __future__ import annotations

import pytest
from actions import extracted
from actions.address_zh import clean_zh, looks_like_address_zh, parse_address_zh
from actions.nlp_libs import NlpLibs


@pytest.fixture(scope="module")
def libs() -> NlpLibs:
    return NlpLibs()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # The failure: "...路二十八号" stored with the road name cut and the number dropped.
        ("学院路二十八号", "学院路28号"),
        ("海淀区 学院路 二十八号 那个 小区 门口", "海淀区学院路28号小区门口"),
        ("我家住在朝阳区建国路八十八号", "朝阳区建国路88号"),
        ("地址是 北京市海淀区中关村街道学院路二十八号", "北京市海淀区中关村街道学院路28号"),
        ("嗯 那个 就是 阳光花园 五号楼 三单元 二零一", "阳光花园5号楼3单元201"),  # hurried, fillers
        ("就在 学院路 二 十 八 号 昨天晚上", "学院路28号"),  # ASR spaces; a time in the same breath
        ("在 望京街道 阜通东大街 六号 这边", "望京街道阜通东大街6号"),
        ("我们这个小区 三 号 楼", "小区3号楼"),
        ("成都武侯区人民南路四段", "成都武侯区人民南路四段"),
        ("朝阳区建国路 那个工地", "朝阳区建国路工地"),
        # What the caller says about the place right after it is the description, not the address.
        ("朝阳区建国路工地 天天晚上施工", "朝阳区建国路工地"),
        ("学院路二十八号那个饭馆 油烟太大了", "学院路28号饭馆油烟"),
    ],
)
def test_address_value_keeps_road_and_number(libs: NlpLibs, text: str, value: str) -> None:
    address = parse_address_zh(libs, text)
    assert address.ok and address.reason is None
    assert address.value == value
    assert address.words == text.strip()


def test_parts_come_from_the_division_data_but_the_value_adds_nothing(libs: NlpLibs) -> None:
    address = parse_address_zh(libs, "海淀区学院路二十八号")
    assert address.parts.province == "北京市" and address.parts.city == "北京市"
    assert address.parts.district == "海淀区"
    assert address.parts.detail == "学院路28号"
    assert set(address.inferred) == {"province", "city"}
    assert address.value is not None and "北京" not in address.value  # the caller did not say 北京
    fields = address.as_fields()
    assert fields["location"] == "海淀区学院路28号"
    assert fields["location_parts"]["district"] == "海淀区"


def test_said_divisions_are_not_inferred(libs: NlpLibs) -> None:
    said = parse_address_zh(libs, "北京市海淀区中关村街道学院路28号")
    assert said.inferred == ()
    assert said.parts.town == "中关村街道"
    short = parse_address_zh(libs, "成都武侯区人民南路四段")  # 成都 said without 市
    assert short.parts.city == "成都市" and short.inferred == ("province",)


def test_an_ambiguous_district_gets_no_invented_province(libs: NlpLibs) -> None:
    address = parse_address_zh(libs, "朝阳区建国路")  # 朝阳区 is in Beijing and in Changchun
    assert address.ok and address.parts.district == "朝阳区"
    assert address.parts.province is None and address.parts.city is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("我不想留电话", extracted.NOT_AN_ADDRESS),
        ("我想匿名", extracted.NOT_AN_ADDRESS),
        ("不知道", extracted.NOT_AN_ADDRESS),
        ("幺三八幺二三四五六七八", extracted.DIGITS),  # a phone number given when asked where
        ("13812345678", extracted.DIGITS),
        ("昨天晚上", extracted.IS_A_TIME),
        ("十一月二十号", extracted.IS_A_TIME),
        ("嗯", extracted.EMPTY),
        ("", extracted.EMPTY),
    ],
)
def test_non_addresses(libs: NlpLibs, text: str, reason: str) -> None:
    address = parse_address_zh(libs, text)
    assert not address.ok
    assert address.value is None
    assert address.reason == reason
    assert address.as_fields() == {"location": None, "location_parts": None}
    assert not looks_like_address_zh(libs, text)


def test_clean_keeps_the_address_whole() -> None:
    assert clean_zh("那个 就在 我们小区门口那边") == "我们小区门口"
    assert clean_zh("地址是学院路二十八号") == "学院路二十八号"
    assert clean_zh("在在在 建国路") == "建国路"  # a stammer
