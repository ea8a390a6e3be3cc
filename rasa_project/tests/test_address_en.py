"""English addresses with the real usaddress tagger."""

from __future__ import annotations

import pytest
from actions import extracted
from actions.address_en import clean_en, looks_like_address_en, parse_address_en
from actions.nlp_libs import NlpLibs


@pytest.fixture(scope="module")
def libs() -> NlpLibs:
    return NlpLibs()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("twenty eight jianguo road", "28 Jianguo Road"),
        ("um it's at twenty eight jianguo road chaoyang district", "28 Jianguo Road Chaoyang District"),
        ("chaoyang district", "Chaoyang District"),
        ("building five sunshine garden", "Building 5 Sunshine Garden"),
        ("room three oh two building five sunshine garden", "Room 302 Building 5 Sunshine Garden"),
        ("number twelve xueyuan road haidian district", "12 Xueyuan Road Haidian District"),
        ("haidian district xueyuan road number twenty eight", "Haidian District 28 Xueyuan Road"),  # Chinese order
        ("the address is er six futong east street", "6 Futong East Street"),
        ("near the east gate of sunshine garden compound", "East Gate Sunshine Garden Compound"),
        ("outside the wanda plaza", "Wanda Plaza"),
        ("wangjing subdistrict", "Wangjing Subdistrict"),
    ],
)
def test_address_values(libs: NlpLibs, text: str, value: str) -> None:
    address = parse_address_en(libs, text)
    assert address.ok and address.reason is None
    assert address.value == value
    assert address.words == text.strip()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # The failure: a category word substituted into an English street name.
        ("garbage on market street", "Market Street"),
        ("the noise is from the construction site on jianguo road", "Jianguo Road"),
        ("the bar at fifteen sanlitun road", "15 Sanlitun Road"),
        # Street names that contain category words stay whole.
        ("eighty eight park road", "88 Park Road"),
        ("water street", "Water Street"),
    ],
)
def test_no_other_words_in_a_street_name(libs: NlpLibs, text: str, value: str) -> None:
    assert parse_address_en(libs, text).value == value


def test_parts(libs: NlpLibs) -> None:
    address = parse_address_en(libs, "twenty eight jianguo road chaoyang district")
    assert address.parts.district == "Chaoyang District"
    assert address.parts.detail == "28 Jianguo Road"
    assert address.parts.province is None
    assert address.as_fields()["location_parts"]["district"] == "Chaoyang District"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # The failure: "I'd rather stay anonymous" stored as the location.
        ("i'd rather stay anonymous", extracted.NOT_AN_ADDRESS),
        ("one three eight one two three four five six seven eight", extracted.DIGITS),
        ("13812345678", extracted.DIGITS),
        ("noise", extracted.NOT_AN_ADDRESS),
        ("garbage", extracted.NOT_AN_ADDRESS),
        ("the parking lot", extracted.NOT_AN_ADDRESS),
        ("last night", extracted.NOT_AN_ADDRESS),
        ("yesterday evening around ten", extracted.NOT_AN_ADDRESS),
        ("um", extracted.EMPTY),
    ],
)
def test_non_addresses(libs: NlpLibs, text: str, reason: str) -> None:
    address = parse_address_en(libs, text)
    assert not address.ok and address.value is None
    assert address.reason == reason
    assert not looks_like_address_en(libs, text)


def test_clean_en() -> None:
    assert clean_en("Um, it's at twenty-eight Jianguo Road.") == "28 jianguo road"
    assert clean_en("my address is number 5 xueyuan road") == "5 xueyuan road"



def test_spelled_out_chinese_place_names_are_written_as_words(libs: NlpLibs) -> None:
    from actions.fields import FieldReader
    from actions.pinyin_words_en import PinyinWords

    reader = FieldReader(libs)
    said = "um it is the chaoyang district the government service center at one jiu xian qiao road window six"
    place = reader.location(said, "en-US", answer=True)
    assert place is not None
    assert place.value == "chaoyang district the government service center at 1 jiuxianqiao road window 6"
    place = reader.location("fengtai district fang zhuang fang xing yuan building eleven", "en-US", answer=True)
    assert place is not None and "fangzhuang fangxingyuan" in place.value
    place = reader.location("the gate of the school on jian guo men wai street", "en-US", answer=True)
    assert place is not None and place.value == "gate of the school on jianguomenwai street"  # a leading "the" goes
    words = PinyinWords(libs)
    assert words.join("he said the long road") == "he said the long road"  # English words are not joined
    assert words.join("an hui bei li building 5") == "anhuibeili building 5"
