"""Answers to "where?" cut down to the place, in both languages, through the real libraries (jionlp, jieba,
usaddress): self-corrections, the caller's talk about themselves, lead-ins and repeats."""

from __future__ import annotations

import pytest
from actions.fields import FieldReader
from actions.place_words_en import clean_place_en

READER = FieldReader()


@pytest.mark.parametrize(
    ("said", "place"),
    [
        ("朝阳区 望京 街道 望京 西园 三 区 不对 是 望京 西园 四 区 的 南门", "朝阳区望京街道望京西园4区南门"),
        ("西城区 德胜门 外 大街 不对不对 是 新街口 外 大街 那个 邮局", "西城区新街口外大街邮局"),
        ("海淀区 万柳 中路 八 号楼 我 家 是 二 单元 六 层", "海淀区万柳中路8号楼2单元6层"),
        ("丰台区 右安门 那个 菜市场 俺们 在 那 摆 摊", "丰台区右安门菜市场"),
        ("哦 你 问 地方 啊 朝阳区 太阳宫 那个 凯德 商场", "朝阳区太阳宫凯德商场"),
        ("东城区 天坛 北门 外边 那个 公厕", "东城区天坛北门外边公厕"),
        ("通州区 梨园 小区 六 号楼 旁边 的 那 条 小路", "通州区梨园小区6号楼旁边的那条小路"),
    ],
)
def test_mandarin_place_answers(said: str, place: str) -> None:
    value = READER.location(said, "zh-CN", answer=True)
    assert value is not None and value.value == place


def test_a_mandarin_place_in_passing_needs_its_district() -> None:
    assert READER.location("我们小区门口那个垃圾站臭死了", "zh-CN") is None  # asked: which district, where
    found = READER.location("海淀区学院路那边的垃圾站臭死了", "zh-CN")
    assert found is not None and found.value.startswith("海淀区学院路")


@pytest.mark.parametrize(
    ("said", "place"),
    [
        ("chaoyang district unit 3 building 5 no wait building 7 room 201",
         "chaoyang district unit 3 building 7 room 201"),
        ("dongzhimen no sorry i mean haidian district 5 xueyuan road", "haidian district 5 xueyuan road"),
        ("haidian district the bakery is at 9 chengfu road", "haidian district 9 chengfu road"),
        ("her address is 3 guangqu road chaoyang district", "3 guangqu road chaoyang district"),
        ("xicheng district 14 fuxing road i live across the street", "xicheng district 14 fuxing road"),
        ("the noodle shop on the ground floor of my building", "the noodle shop on the ground floor"),
        ("yanqing district the farm he works at the end of the lane",
         "yanqing district the farm he works at the end of the lane"),
        ("fengtai district lize rode the gate yes", "fengtai district lize road the gate"),
        ("shunyi district yes shunyi district 2 fuqian street", "shunyi district 2 fuqian street"),
        ("the park by the lake the park by the lake", "the park by the lake"),
    ],
)
def test_english_place_answers(said: str, place: str) -> None:
    assert clean_place_en(said) == place
