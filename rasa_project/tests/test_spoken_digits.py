"""Digits in every spoken form, self-corrections, and numerals in house numbers (real cn2an)."""

from __future__ import annotations

import pytest
from actions.nlp_libs import NlpLibs
from actions.spoken_digits import apply_correction, digit_runs, en_number_words, read_digits, zh_house_numbers


@pytest.fixture(scope="module")
def libs() -> NlpLibs:
    return NlpLibs()


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("幺三八 幺二三四 五六七八", "13812345678"),
        ("幺三八幺二三四五六七八", "13812345678"),
        ("我的电话是 幺三八 嗯 那个 幺二三四 然后 五六七八", "13812345678"),  # hurried, with fillers
        ("一 三 八 一 二 三 四 五 六 七 八", "13812345678"),  # spaces between characters (ASR)
        ("洞幺洞 六二五 拐拐拐拐", "010625" + "7777"),  # 洞 = 0, 拐 = 7 (radio style)
        ("零一零 六二三四五六七八", "01062345678"),
        ("两三两", "232"),
        ("138 幺二三四 5678", "13812345678"),  # Arabic digits mixed in
        ("one three eight double five triple seven two", "138557772"),
        ("oh one oh six two three four five six seven eight", "01062345678"),
        ("um one three eight uh one two three four and five six seven eight", "13812345678"),
        ("one three nine double zero one two three four five six", "13900123456"),
        ("one two for five", "1245"),  # ASR homophone inside a run
        ("13812345678", "13812345678"),
        ("我不想留电话", ""),
    ],
)
def test_read_digits(text: str, digits: str) -> None:
    answer = read_digits(text)
    assert answer.digits == digits
    assert answer.words == text.strip()
    assert not answer.corrected


def test_runs_are_split_by_words_not_by_fillers() -> None:
    assert digit_runs("幺三八 嗯 幺二三四") == ("1381234",)
    assert digit_runs("我住五号楼 电话幺三八") == ("5", "138")
    assert digit_runs("for the record one two three") == ("123",)  # "for" starts no run


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("幺三八 不对 幺三九 幺二三四 五六七八", "13912345678"),
        ("幺三八幺二三四五六七八 不对不对 五六七九", "13812345679"),  # the last group said again
        ("幺三八 幺二三四 五六七八 说错了 应该是 幺三八 幺二三四 五六七九", "13812345679"),
        ("one three eight no sorry one three nine one two three four five six seven eight", "13912345678"),
        ("one three eight one two three four five six seven eight i mean five six seven nine", "13812345679"),
        ("一三八一二三四五六七八 最后四位是五六七九", "13812345679"),  # no correction word: the cue alone
    ],
)
def test_self_corrections_inside_an_answer(text: str, digits: str) -> None:
    answer = read_digits(text)
    assert answer.digits == digits
    assert answer.corrected == (digits != "13812345678")


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("不对不对 最后 四位 是 五六七九", "13812345679"),
        ("最后四位是五六七九", "13812345679"),
        ("后两位是七九", "13812345679"),
        ("前三位是幺三九", "13912345678"),
        ("the last four digits are five six seven nine", "13812345679"),
        ("no the first three are one three nine", "13912345678"),
        ("不对 是 幺三九 幺二三四 五六七八", "13912345678"),  # the whole number again
        ("对的", "13812345678"),  # no digits: nothing changes
    ],
)
def test_apply_correction_to_a_previous_number(text: str, digits: str) -> None:
    answer = apply_correction("13812345678", text)
    assert answer.digits == digits
    assert answer.corrected == (digits != "13812345678")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("学院路二十八号", "学院路28号"),
        ("三百零二室", "302室"),
        ("十五栋", "15栋"),
        ("两百号", "200号"),
        ("5号楼三单元二零一", "5号楼3单元201"),
        ("七号楼零五室", "7号楼05室"),
        ("幺号楼", "1号楼"),
        ("一楼", "1楼"),
        ("建国路八十八号院", "建国路88号院"),
        # Words that merely contain numerals stay as they are.
        ("一些", "一些"),
        ("等一下", "等一下"),
        ("一直都这样", "一直都这样"),
        ("三里屯", "三里屯"),
        ("二环路", "二环路"),
    ],
)
def test_zh_house_numbers(libs: NlpLibs, text: str, expected: str) -> None:
    assert zh_house_numbers(libs, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("twenty eight jianguo road", "28 jianguo road"),
        ("room three oh two building five", "room 302 building 5"),
        ("one hundred and five main street", "105 main street"),
        ("number twelve", "number 12"),
        ("nineteen eighty four", "1984"),
        ("oh", "oh"),
        ("sunshine garden", "sunshine garden"),
    ],
)
def test_en_number_words(text: str, expected: str) -> None:
    assert en_number_words(text) == expected


def test_a_digit_said_twice_or_three_times_in_mandarin() -> None:
    from actions.spoken_digits import read_digits

    assert read_digits("幺三七 幺二三四 五六 两个八").digits == "13712345688"
    assert read_digits("幺三八 两个零 三个六 幺二三四").digits == "138006661234"
