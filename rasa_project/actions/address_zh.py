"""Mandarin addresses: jionlp ``parse_location`` (administrative divisions) + cn2an (house numbers).

``parse_address_zh("海淀区 学院路 二十八号 那个 小区 门口")`` -> value ``海淀区学院路28号小区门口``, parts
``{province: 北京市, city: 北京市, district: 海淀区, detail: 学院路28号小区门口}`` with province and city listed
as ``inferred`` (the caller did not say them, so they are not in the value). Lead-ins (我家住在, 地址是, 就在),
fillers (那个, 就是, 嗯) and time words said in the same breath (昨天晚上) are dropped without cutting the road
name or the house number.
"""

from __future__ import annotations

import re

from actions import extracted
from actions.extracted import Address, AddressParts
from actions.nlp_libs import NlpLibs
from actions.spoken_digits import ZH_NUMERAL, longest_digits, zh_house_numbers

LEAD_INS = tuple(
    "我家住在 我们家住在 我家是在 我家在 我们家在 我住在 我住 地址是在 地址是 地址在 地址 地点是在 "
    "地点是 地点在 地点 位置是在 位置是 位置在 位置 地方是在 地方是 地方在 出事的地方 发生在 就是在 "
    "就在 是在 在 是 就是 那个 这个 嗯 呃 额 啊 哦 然后 我们这个 我们那个 我们这边的 我们那边的 "
    "我们这边 我们那边 这边的 那边的 我们这 我们那 你问地方啊 你问地方 问地方啊 你说地方 地方啊 地址啊".split()
)
INNER_FILLERS = ("那个", "就是", "嗯", "呃", "额", "啊")
TRAILERS = ("这边", "那边", "这块", "那块", "这儿", "那儿", "这里", "那里", "附近吧", "吧", "啊", "呢", "呀", "了")
# A place word: a name followed by a place suffix (学院路, 阳光花园, 5号楼, 门口); 号码 is not a place.
PLACE_WORD = re.compile(
    r"[\u4e00-\u9fff\d]+?(?:路|街|大道|巷|胡同|弄|小区|花园|家园|公寓|苑|村|镇|乡|广场|公园|大厦|中心|商场"
    r"|超市|市场|学校|小学|中学|大学|医院|车站|地铁站|站|桥|号楼|楼|栋|幢|单元|室|号院|院|号(?!码)|门口|工地"
    r"|饭店|餐馆|酒店|宾馆|社区|街道|园区|公司|厂|区|县|厕所|公厕|[东西南北]门|停车场|垃圾站|垃圾房|航站楼|外边|旁边|对面)"
)
# Where the complaint itself starts after the place ("学院路28号饭馆 油烟太大", "工地 天天施工").
DESCRIPTION = re.compile(r"太(?=[吵闹脏臭乱大多差响高低慢快吓危挤久过难贵烦气坑黑不没能了])|很|特别|非常|老是|总是|一直|经常|天天|每天|没人|有人|严重|乱[扔丢堆停倒]")
HOUSE_NUMBER_ONLY = re.compile(rf"^[\d{ZH_NUMERAL}]+[号日]$")
PART_SUFFIXES = tuple("特别行政区 维吾尔自治区 壮族自治区 回族自治区 自治区 自治州 省 市 区 县 街道 镇 乡".split())


def clean_zh(text: str) -> str:
    """Return the words without spaces, lead-ins, inner fillers and trailing particles."""
    out = re.sub(r"[\s，,。.！!？?、]+", "", text)
    changed = True
    while changed:
        changed = False
        for lead in sorted(LEAD_INS, key=len, reverse=True):
            if out.startswith(lead) and len(out) > len(lead):
                out, changed = out[len(lead) :], True
        for trailer in sorted(TRAILERS, key=len, reverse=True):
            if out.endswith(trailer) and len(out) > len(trailer):
                out, changed = out[: -len(trailer)], True
    for filler in INNER_FILLERS:
        out = out.replace(filler, "")
    return out


def _without_times(libs: NlpLibs, text: str) -> str:
    """Drop time expressions (昨天晚上, 十点多) said in the same breath; house numbers (28号) stay."""
    found = libs.jionlp().ner.extract_time(text, with_parsing=False)
    out = text
    for entity in reversed(found):
        start, end = entity["offset"]
        if HOUSE_NUMBER_ONLY.match(entity["text"]) and start > 0:
            continue
        out = out[:start] + out[end:]
    return out


def _without_description(place: str) -> str:
    """Cut what the caller says about the place after it ("学院路28号饭馆油烟太大" -> "学院路28号饭馆油烟")."""
    first = PLACE_WORD.search(place)
    if not first:
        return place
    cue = DESCRIPTION.search(place, first.end())
    return place[: cue.start()].rstrip("的") if cue else place


def _said(name: str | None, text: str) -> bool:
    if not name:
        return False
    if name in text:
        return True
    for suffix in PART_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)] in text
    return False


def parse_address_zh(libs: NlpLibs, text: str) -> Address:
    """Return the place in a Mandarin answer, normalised, with its administrative parts."""
    words = text.strip()
    cleaned = zh_house_numbers(libs, clean_zh(words))
    if not cleaned:
        return Address(False, None, words, AddressParts(), reason=extracted.EMPTY)
    place = clean_zh(_without_times(libs, cleaned))
    if not place:
        return Address(False, None, words, AddressParts(), reason=extracted.IS_A_TIME)
    if len(longest_digits(place)) >= 7 and not PLACE_WORD.search(re.sub(r"\d", "", place)):
        return Address(False, None, words, AddressParts(), reason=extracted.DIGITS)
    place = _without_description(place)
    loc = libs.jionlp().parse_location(place, town_village=True)
    parts = AddressParts(
        province=loc.get("province"),
        city=loc.get("city"),
        district=loc.get("county"),
        town=loc.get("town"),
        detail=loc.get("detail") or None,
    )
    inferred = tuple(name for name in ("province", "city", "district", "town") if getattr(parts, name)
                     and not _said(getattr(parts, name), place))
    said_division = any(getattr(parts, n) for n in ("province", "city", "district", "town") if n not in inferred)
    if not said_division and not PLACE_WORD.search(place):
        return Address(False, None, words, AddressParts(), reason=extracted.NOT_AN_ADDRESS)
    return Address(True, place, words, parts, inferred)


def looks_like_address_zh(libs: NlpLibs, text: str) -> bool:
    """Return whether a Mandarin text names a place ("我不想留电话" and phone numbers do not)."""
    return parse_address_zh(libs, text).ok
