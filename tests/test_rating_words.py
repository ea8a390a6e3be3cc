"""The satisfaction answer parser: keys, Chinese and English words, spoken digits; anything unclear is no rating."""

from __future__ import annotations

import pytest

from voicebot.call.rating_words import SATISFIED, key_rating, parse_rating


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("非常满意", 1), ("很满意", 1), ("满意", 2), ("满意 满意", 2), ("挺满意的", 2), ("基本满意吧", 3), ("一般", 3),
        ("还行", 3), ("不满意", 4), ("不太满意", 4), ("不是很满意", 4), ("很不满意", 5), ("非常不满意", 5),
        ("一", 1), ("二", 2), ("两", 2), ("我选三", 3), ("按四", 4), ("五", 5), ("3", 3), ("嗯 满意。", 2),
    ],
)  # fmt: skip
def test_chinese_words_and_spoken_digits(text: str, rating: int) -> None:
    assert parse_rating(text, "zh-CN") == rating


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("very satisfied", 1), ("I am very satisfied thank you", 1), ("satisfied", 2), ("good", 2), ("okay", 3),
        ("ok", 3), ("basically satisfied", 3), ("not bad", 3), ("dissatisfied", 4), ("not satisfied", 4),
        ("very dissatisfied", 5), ("terrible", 5), ("one", 1), ("press two", 2), ("three", 3), ("Four.", 4),
        ("five", 5), ("2", 2),
    ],
)  # fmt: skip
def test_english_words_and_spoken_digits(text: str, rating: int) -> None:
    assert parse_rating(text, "en-US") == rating


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("跳过", "zh-CN"), ("不用了", "zh-CN"), ("", "zh-CN"), ("今天天气不错啊", "zh-CN"), ("满意 不满意", "zh-CN"),
        ("六", "zh-CN"), ("一二", "zh-CN"), ("五分", "zh-CN"), ("skip", "en-US"), ("no thanks", "en-US"),
        ("satisfied no dissatisfied", "en-US"), ("good bye", "en-US"), ("six", "en-US"), ("one two", "en-US"),
        ("blah blah", "en-US"), ("   ", "en-US"),
    ],
)  # fmt: skip
def test_skip_gibberish_and_mixed_answers_are_no_rating(text: str, lang: str) -> None:
    assert parse_rating(text, lang) is None


def test_one_key_of_one_to_five_is_a_rating_and_nothing_else_is() -> None:
    assert [key_rating(k) for k in "12345"] == [1, 2, 3, 4, 5]
    assert [key_rating(k) for k in ("0", "6", "9", "*", "12", "", "#")] == [None] * 7
    assert SATISFIED == {1, 2, 3}
