"""One table of spoken digits: the caller-number reader, the end-of-turn rule and the rating read the same forms."""

from __future__ import annotations

import pytest

from asr.end_of_turn import digit_runs
from asr.turn_words import turn_words
from voicebot.call.rating_words import parse_rating
from voicebot.handoff.caller_number import spoken_number
from voicebot.spoken_digits import EN_DIGITS, ZH_DIGITS


@pytest.mark.parametrize(("word", "digit"), sorted(ZH_DIGITS.items()))
def test_every_chinese_digit_is_read_alike_by_the_number_reader_and_the_end_of_turn_rule(word: str, digit: str) -> None:
    assert spoken_number(f"号码是{word}") == digit
    assert digit_runs([word, word], turn_words("zh-CN")) == [digit * 2]


@pytest.mark.parametrize(("word", "digit"), sorted(EN_DIGITS.items()))
def test_every_english_digit_is_read_alike_by_the_number_reader_and_the_end_of_turn_rule(word: str, digit: str) -> None:
    assert spoken_number(f"it is {word} {word}") == digit * 2
    assert digit_runs([word, word], turn_words("en-US")) == [digit * 2]


def test_the_radio_forms_are_digits_everywhere() -> None:
    assert spoken_number("幺三八 洞洞 拐勾") == "1380079"  # 勾 was known to the end-of-turn rule only
    assert parse_rating("我选幺", "zh-CN") == 1 and parse_rating("两", "zh-CN") == 2


def test_the_rating_takes_only_one_to_five_from_the_table() -> None:
    assert parse_rating("壹", "zh-CN") == 1 and parse_rating("伍", "zh-CN") == 5
    assert parse_rating("勾", "zh-CN") is None and parse_rating("零", "zh-CN") is None
    assert parse_rating("six", "en-US") is None and parse_rating("five", "en-US") == 5
