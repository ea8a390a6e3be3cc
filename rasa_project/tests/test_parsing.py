"""Pure parsing helpers used by the custom actions."""

from __future__ import annotations

import pytest
from actions import parsing


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("我的电话是一三九零零零零一二三四", "13900001234"),
        ("幺三八 幺二三四 五六七八", "13812345678"),
        ("不对是一三九八七六五四三二一", "13987654321"),
        ("my number is one three nine double zero one two three four five six", "13900123456"),
        ("18612345678", "18612345678"),
        ("call me on 6 5 4 3 2 1 0", "6543210"),
        ("一二三", None),
        ("i want to go to the park", None),
    ],
)
def test_phone_number(text: str, phone: str | None) -> None:
    assert parsing.phone_number(text) == phone


def test_partial_and_ticket_digits() -> None:
    assert parsing.partial_digits("一三九零零")
    assert not parsing.partial_digits("13900001234")
    assert parsing.ticket_number("查一下工单二零二六一一二三零零一") == "20261123001"
    assert parsing.ticket_number("check ticket one two three four") == "1234"
    assert parsing.ticket_number("我的工单") is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("楼上装修太吵", "noise"),
        ("小区垃圾没人清", "sanitation"),
        ("路边乱停车", "traffic"),
        ("物业不管电梯", "property"),
        ("停水三天了", "utilities"),
        ("买到假货商家不退", "consumer"),
        ("老板拖欠工资", "labor"),
        ("井盖丢了", "safety_hazard"),
        ("the construction site is too loud", "noise"),
        ("a taxi overcharged me", "traffic"),
        ("我想说个事", None),
    ],
)
def test_category(text: str, category: str | None) -> None:
    assert parsing.category(text) == category


def test_canonical_category() -> None:
    assert parsing.canonical_category("noise") == "noise"
    assert parsing.canonical_category("装修") == "noise"
    assert parsing.canonical_category(None) is None


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("昨天晚上十点多", "昨天晚上十点多"),
        ("就是每天晚上", "每天晚上"),
        ("三天前", "三天前"),
        ("在幸福小区三号楼", None),
        ("every night after ten", "every night after ten"),
        ("it started last night", "last night"),
        ("不对时间是昨天下午", "昨天下午"),
        ("no the time was yesterday afternoon", "yesterday afternoon"),
    ],
)
def test_incident_time(text: str, when: str | None) -> None:
    assert parsing.incident_time(text) == when


def test_places() -> None:
    assert parsing.location_cue("不对地址是西城区金融街") == "西城区金融街"
    assert parsing.location_cue("no the address is five finance street") == "five finance street"
    assert parsing.place_words("我要投诉朝阳区建国路那边工地晚上施工太吵") == "朝阳区建国路"
    assert parsing.place_words("楼上装修太吵") is None
    assert parsing.place_words("小区的垃圾好几天没人清了") is None
    assert parsing.place_words("在幸福小区三号楼") == "幸福小区三号楼"


def test_anonymous_and_confidential() -> None:
    assert parsing.wants_anonymous("我不想留电话")
    assert parsing.wants_anonymous("i want to stay anonymous")
    assert not parsing.wants_anonymous("一三九零零零零一二三四")
    assert parsing.confidentiality("帮我保密") is True
    assert parsing.confidentiality("不用保密") is False
    assert parsing.confidentiality("it does not need to be confidential") is False
    assert parsing.confidentiality("好的") is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("我家着火了", "fire"),
        ("厨房里一股煤气味", "gas"),
        ("i smell gas in the kitchen", "gas"),
        ("有人晕倒了", "medical"),
        ("someone is having a heart attack", "medical"),
        ("有小偷在撬门", "police"),
        ("i have been robbed", "police"),
    ],
)
def test_emergency_kind(text: str, kind: str) -> None:
    assert parsing.emergency_kind(text) == kind


def test_spoken_digits() -> None:
    assert parsing.spoken_digits("13812345678", "zh-CN") == "幺三八 幺二三四 五六七八"
    assert parsing.spoken_digits("13812345678", "en-US") == "1 3 8, 1 2 3 4, 5 6 7 8"
    assert parsing.spoken_digits("123456", "zh-CN") == "幺二三四 五六"


def test_substantive_opener() -> None:
    assert parsing.substantive("我要投诉朝阳区建国路那边工地晚上施工太吵")
    assert not parsing.substantive("我要投诉噪音")
    assert not parsing.substantive("i want to make a complaint")
    assert parsing.substantive("the construction site on main street is noisy every night")
