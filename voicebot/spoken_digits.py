"""How callers say a digit, in one table for everything that reads digits from words.

The caller-number normal form (``handoff/caller_number.py``: a callback number said aloud), the end-of-turn rule
(``asr/turn_words.py``: is a number still being dictated?) and the satisfaction rating (``call/rating_words.py``:
"我选二", 1 to 5 only) read the same spoken digits, so a form one of them knows (幺 for 1, 拐 for 7, oh for 0) is
known to all. Pure data with no imports from the rest of the bot, so ``asr/`` may use it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

ZH_DIGITS: Mapping[str, str] = MappingProxyType({
    "零": "0", "〇": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5",
    "六": "6", "七": "7", "拐": "7", "八": "8", "九": "9", "勾": "9",
})  # fmt: skip
"""Chinese characters for a digit as callers say them: the plain ones and the radio/telephone forms (幺 1, 两 2,
拐 7, 勾 9, 洞 0)."""

ZH_FORMAL_DIGITS: Mapping[str, str] = MappingProxyType({
    "壹": "1", "贰": "2", "叁": "3", "肆": "4", "伍": "5", "陆": "6", "柒": "7", "捌": "8", "玖": "9",
})  # fmt: skip
"""The formal (大写) digits, as written on cheques: typed answers only (the recogniser writes plain digits, and
陆, 伍 are common in names and words, so number reading leaves them out)."""

EN_DIGITS: Mapping[str, str] = MappingProxyType({
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
})  # fmt: skip
"""English words for a digit (lower case; ``oh`` and ``o`` are 0)."""

WRITTEN_DIGITS: Mapping[str, str] = MappingProxyType({str(d): str(d) for d in range(10)})
"""Digits as the recogniser or the keypad writes them."""
