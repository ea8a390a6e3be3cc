"""Resident ID numbers (GB 11643): check digit, birth date, masking, found only when volunteered."""

from __future__ import annotations

from datetime import date

import pytest
from actions.id_number import check_digit, check_id, mask_id, volunteered_id

TODAY = date(2026, 12, 1)
# Check digits computed by hand with the GB 11643 weights (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, mod 11 -> 10X98765432).
VALID_X = "11010519491231002X"
VALID_DIGIT = "440301199001011234"


def test_check_digit_matches_the_standard() -> None:
    assert check_digit(VALID_X[:17]) == "X"
    assert check_digit(VALID_DIGIT[:17]) == "4"


def test_valid_numbers() -> None:
    for number in (VALID_X, VALID_X.lower(), VALID_DIGIT):
        check = check_id(number, TODAY)
        assert check.ok and check.reason is None
    assert check_id(VALID_X, TODAY).birth_date == date(1949, 12, 31)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "bad-check-digit"),
        ("11010519491231002", "wrong-length"),
        ("11010519491331002X", "bad-birth-date"),  # month 13
        ("110105203012310025", "bad-birth-date"),  # born after today
        ("000105194912310021", "bad-region"),
        ("1101051949123100XX", "bad-character"),
    ],
)
def test_invalid_numbers(number: str, reason: str) -> None:
    check = check_id(number, TODAY)
    assert not check.ok
    assert check.reason == reason


def test_the_number_is_masked_when_printed_or_logged() -> None:
    check = check_id(VALID_X, TODAY)
    assert mask_id(VALID_X) == "110105***********X"
    assert str(check) == "110105***********X"
    assert VALID_X not in repr(check)
    assert VALID_X not in f"{check}"
    assert check.number == VALID_X  # the full number is there for the opened ticket only


@pytest.mark.parametrize(
    "text",
    [
        "我身份证号是 幺幺零幺零五 幺九四九 幺二三幺 零零二 叉",
        "身份证 一一零一零五一九四九一二三一零零二x",
        "my id number is one one zero one zero five one nine four nine one two three one zero zero two x",
        "id card 11010519491231002X",
    ],
)
def test_volunteered_id_in_spoken_words(text: str) -> None:
    check = volunteered_id(text, TODAY)
    assert check is not None and check.ok
    assert check.number == VALID_X


def test_no_id_unless_volunteered() -> None:
    assert volunteered_id("幺三八幺二三四五六七八", TODAY) is None  # a phone number
    assert volunteered_id("海淀区学院路二十八号", TODAY) is None
    assert volunteered_id("我不想说身份证号", TODAY) is None


def test_a_wrong_volunteered_id_is_reported_invalid() -> None:
    wrong = volunteered_id("身份证号 一一零一零五一九四九一二三一零零二一", TODAY)
    assert wrong is not None and not wrong.ok and wrong.reason == "bad-check-digit"
    short = volunteered_id("我的身份证是一一零一零五一九四九一二三一零零二", TODAY)  # a digit missing
    assert short is not None and short.reason == "wrong-length"
