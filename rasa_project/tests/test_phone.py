"""Phone numbers: validation, classification and stable reason codes."""

from __future__ import annotations

import pytest
from actions.phone import REASONS, check_phone, phone_in_words


@pytest.mark.parametrize(
    ("digits", "kind", "stored", "shown"),
    [
        ("13812345678", "mobile", "13812345678", "138 1234 5678"),
        ("19912345678", "mobile", "19912345678", "199 1234 5678"),
        ("+86 138 1234 5678", "mobile", "13812345678", "138 1234 5678"),
        ("008613812345678", "mobile", "13812345678", "138 1234 5678"),
        ("01062345678", "landline", "01062345678", "010-62345678"),  # Beijing: 010 + 8 digits
        ("010-62345678", "landline", "01062345678", "010-62345678"),
        ("02188886666", "landline", "02188886666", "021-88886666"),
        ("057187654321", "landline", "057187654321", "0571-87654321"),  # 4-digit area code + 8
        ("08327654321", "landline", "08327654321", "0832-7654321"),  # 4-digit area code + 7
        ("12345", "short", "12345", "12345"),
        ("110", "short", "110", "110"),
    ],
)
def test_valid_numbers(digits: str, kind: str, stored: str, shown: str) -> None:
    check = check_phone(digits)
    assert check.ok and check.reason is None
    assert check.kind == kind
    assert check.digits == stored
    assert check.display() == shown


@pytest.mark.parametrize(
    ("digits", "reason"),
    [
        ("", "empty"),
        ("1381234567", "wrong-length"),  # a digit missing
        ("138123456789", "wrong-length"),  # one too many
        ("12812345678", "bad-mobile-prefix"),
        ("11012345678", "bad-mobile-prefix"),
        ("62345678", "missing-area-code"),
        ("0106234567", "wrong-length"),  # 010 needs 8 digits
        ("01012345678", "bad-number"),  # a subscriber number never starts with 1
        ("0012345678", "bad-area-code"),
        ("12321", "wrong-length"),  # not in the configured short list
        ("123", "wrong-length"),
    ],
)
def test_invalid_numbers_say_why(digits: str, reason: str) -> None:
    check = check_phone(digits)
    assert not check.ok
    assert check.kind is None
    assert check.reason == reason
    assert check.reason in REASONS


def test_configured_short_numbers_and_local_area_code() -> None:
    assert not check_phone("96123").ok
    assert check_phone("96123", short_numbers=frozenset({"96123"})).kind == "short"
    assert not check_phone("12345", short_numbers=frozenset()).ok
    local = check_phone("62345678", local_area_code="010")
    assert (local.ok, local.kind, local.digits, local.area_code) == (True, "landline", "01062345678", "010")


@pytest.mark.parametrize(
    ("text", "digits", "ok"),
    [
        ("幺三八 幺二三四 五六七八", "13812345678", True),
        ("幺三八 不对 幺三九 幺二三四 五六七八", "13912345678", True),
        ("one three eight one two three four five six seven", "1381234567", False),  # elderly caller stops early
        ("洞幺洞 六二三四 五六七八", "01062345678", True),
        ("我不想留电话", "", False),
    ],
)
def test_phone_in_spoken_words(text: str, digits: str, ok: bool) -> None:
    check = phone_in_words(text)
    assert (check.digits, check.ok) == (digits, ok)
