"""Reading a caller's satisfaction rating (一次一评) from a key or from words; pure, no engines.

The scale (the same keys in both languages; the prompt names it):

====  ==========  ===================  ==================================
key   zh-CN       en-US                counts as "satisfied" today
====  ==========  ===================  ==================================
1     非常满意    very satisfied       yes
2     满意        satisfied            yes
3     基本满意    okay                 yes (basic)
4     不满意      dissatisfied         no
5     非常不满意  very dissatisfied    no
====  ==========  ===================  ==================================

Anything else (no answer, "跳过"/"skip", two different ratings in one answer, gibberish, several keys, ``0``)
is no rating: the parser never guesses.
"""

from __future__ import annotations

import re

from voicebot.spoken_digits import EN_DIGITS, WRITTEN_DIGITS, ZH_DIGITS, ZH_FORMAL_DIGITS

RATINGS = (1, 2, 3, 4, 5)
"""Valid ratings; 1 is best."""
SATISFIED = frozenset({1, 2, 3})
"""Ratings that count towards the satisfaction rate (very satisfied, satisfied, basically satisfied)."""

_ZH_WORDS: dict[str, int] = {
    "非常满意": 1, "很满意": 1, "特别满意": 1, "十分满意": 1, "超级满意": 1,
    "满意": 2, "挺满意": 2, "比较满意": 2, "还算满意": 2,
    "基本满意": 3, "一般": 3, "还行": 3, "还可以": 3, "凑合": 3, "马马虎虎": 3,
    "不满意": 4, "不太满意": 4, "不是很满意": 4, "不大满意": 4,
    "非常不满意": 5, "很不满意": 5, "特别不满意": 5, "十分不满意": 5, "太差了": 5,
}  # fmt: skip
"""Chinese phrases; a longer phrase wins over one inside it (不满意 over 满意)."""

_EN_WORDS: dict[str, int] = {
    "very satisfied": 1, "extremely satisfied": 1, "really satisfied": 1, "excellent": 1, "very good": 1,
    "satisfied": 2, "good": 2, "happy": 2, "pretty good": 2,
    "okay": 3, "ok": 3, "fine": 3, "average": 3, "basically satisfied": 3, "somewhat satisfied": 3,
    "so so": 3, "alright": 3, "all right": 3,
    "dissatisfied": 4, "unsatisfied": 4, "not satisfied": 4, "not happy": 4, "bad": 4, "poor": 4,
    "not very satisfied": 4, "not good": 4,
    "very dissatisfied": 5, "very unsatisfied": 5, "extremely dissatisfied": 5, "very bad": 5, "terrible": 5,
    "awful": 5, "really bad": 5,
    "not bad": 3, "good bye": 0, "no good": 4,
}  # fmt: skip
"""English phrases, matched on whole words; a longer phrase wins over one inside it (``0``: not a rating)."""

_ZH_DIGITS = {word: int(digit) for word, digit in {**ZH_DIGITS, **ZH_FORMAL_DIGITS}.items() if digit in "12345"}
_EN_DIGITS = {word: int(digit) for word, digit in {**EN_DIGITS, **WRITTEN_DIGITS}.items() if digit in "12345"}
_ZH_FILLER = ("我选", "我按", "选", "按", "是", "给", "打", "号", "啊", "吧", "呢", "的", "嗯", "呃")
_EN_FILLER = {"i", "press", "pressed", "choose", "select", "number", "option", "say", "it", "is", "its", "a",
              "um", "uh", "er", "please", "the", "rating", "give"}  # fmt: skip
_PUNCTUATION = re.compile(r"[\s,.!?;:，。！？；：、…'\"“”‘’\-]+")


def key_rating(digits: str) -> int | None:
    """Return the rating of the keys pressed (exactly one of 1-5), else ``None``."""
    return int(digits) if len(digits) == 1 and digits in "12345" else None


def parse_rating(text: str, lang: str) -> int | None:
    """Return the rating the caller's words give in ``lang`` (zh-CN for anything not English), else ``None``."""
    if lang.lower().startswith("en"):
        return _parse_en(text)
    return _parse_zh(text)


def _parse_zh(text: str) -> int | None:
    squashed = _PUNCTUATION.sub("", text)
    if not squashed:
        return None
    stripped = squashed
    for filler in _ZH_FILLER:
        stripped = stripped.replace(filler, "")
    digit = _ZH_DIGITS.get(stripped) or _EN_DIGITS.get(stripped)
    if digit is not None:
        return digit
    spans = [(m.start(), m.start() + len(phrase), value)
             for phrase, value in _ZH_WORDS.items() for m in re.finditer(re.escape(phrase), squashed)]  # fmt: skip
    return _only_value(spans)


def _parse_en(text: str) -> int | None:
    words = [w for w in _PUNCTUATION.sub(" ", text.lower()).split() if w]
    if not words:
        return None
    rest = [w for w in words if w not in _EN_FILLER]
    if len(rest) == 1 and rest[0] in _EN_DIGITS:
        return _EN_DIGITS[rest[0]]
    spans = []
    for phrase, value in _EN_WORDS.items():
        parts = phrase.split()
        for start in range(len(words) - len(parts) + 1):
            if words[start : start + len(parts)] == parts:
                spans.append((start, start + len(parts), value))
    return _only_value(spans)


def _only_value(spans: list[tuple[int, int, int]]) -> int | None:
    """Return the one rating the longest matches name (matches inside a longer one are dropped), else ``None``."""
    kept = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
    values = {value for _, _, value in kept}
    return values.pop() or None if len(values) == 1 else None
