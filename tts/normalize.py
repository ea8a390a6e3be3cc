"""Rewrite display text into what a speech engine should say.

Pure and table-tested. Phone numbers, ticket ids and any run of three or more
digits are read digit by digit (Mandarin uses 幺 for 1, as on the telephone);
short numbers and clock times are read as numbers; markdown and emoji, which
espeak-ng reads aloud as symbol names, are removed. URLs are left as they are.
"""

from __future__ import annotations

import re
import unicodedata

_ZH_DIGITS = "零一二三四五六七八九"
_ZH_PHONE_DIGITS = "零幺二三四五六七八九"
_EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'，。！？、；：（）]+", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((?:[^)\s]+)\)")
_MD_LINE_PREFIX = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,2}\.[ \t]+)", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|~~|`+)(?=\S)(.+?)(?<=\S)\1")
_MD_LEFTOVER = re.compile(r"[*`#|~^]+|(?<![\w/])_+|_+(?![\w/])")
_DROP_CHARS = {"\u200d", "\ufe0f", "\ufe0e", "\u20e3"}  # emoji joiner, variation selectors, keycap

# Longest patterns first: a time or a phone number must not be split into short numbers.
_TOKEN = re.compile(
    r"(?P<url>\x00\d+\x00)"
    r"|(?P<time>(?<![\d:])(?:[01]?\d|2[0-3])[:：][0-5]\d(?![\d:]))"
    r"|(?P<date>(?<![\d-])\d{4}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])(?![\d-]))"
    r"|(?P<ticket>(?<![A-Za-z0-9])(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Z])"
    r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![A-Za-z0-9]))"
    r"|(?P<phone>(?<![\d.])\+?\d+(?:[- ]\d+)+(?![\d.]))"
    r"|(?P<decimal>(?<![\d.])\d{1,2}\.\d+(?![\d.]))"
    r"|(?P<digits>\d+)"
)
_PHONE_MIN_DIGITS = 7
"""Digit groups separated by dashes or spaces are a phone number from this many digits on."""
_SPELL_MAX_LETTERS = 3
"""Inside a ticket id, letter runs up to this long are spelled; longer ones are words (``COVID-19``)."""


def is_chinese(lang: str) -> bool:
    """Return whether ``lang`` is a Chinese language tag (``zh-CN``, ``zh``, ``cmn``)."""
    return lang.lower().startswith(("zh", "cmn"))


def normalize(text: str, lang: str) -> str:
    """Return ``text`` rewritten for speech in ``lang`` (digits, times, ids, markup)."""
    zh = is_chinese(lang)
    urls: list[str] = []

    def keep_url(match: re.Match[str]) -> str:
        urls.append(match.group(0))
        return f"\x00{len(urls) - 1}\x00"

    text = _MD_LINK.sub(r"\1", text)
    text = text.replace("℃", "摄氏度" if zh else " degrees Celsius")  # before symbols are dropped
    text = _URL.sub(keep_url, text)
    text = _strip_markup(text)
    text = _zh_percent(text) if zh else re.sub(r"(?<=\d)\s*[%％]", " percent", text)
    text = _TOKEN.sub(lambda m: _speak_token(m, zh, urls), text)
    return _tidy(text, zh)


def _strip_markup(text: str) -> str:
    text = _MD_LINE_PREFIX.sub("", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = _MD_LEFTOVER.sub(" ", text)
    return "".join(ch for ch in text if not _is_emoji_or_private(ch))


def _is_emoji_or_private(ch: str) -> bool:
    return (
        ch in _DROP_CHARS
        or "\U0001f3fb" <= ch <= "\U0001f3ff"  # skin-tone modifiers
        or unicodedata.category(ch) in ("So", "Cs", "Co")
    )


def _zh_percent(text: str) -> str:
    return re.sub(r"(\d+(?:\.\d+)?)\s*[%％]", r"百分之\1", text)


def _speak_token(match: re.Match[str], zh: bool, urls: list[str]) -> str:
    kind = match.lastgroup
    token = match.group(0)
    if kind == "url":
        return urls[int(token.strip("\x00"))]
    if kind == "time":
        return _speak_time(token, zh)
    if kind == "date":
        return _speak_date(token, zh)
    if kind == "ticket":
        return _speak_ticket(token, zh)
    if kind == "phone":
        return _speak_phone(token, zh)
    if kind == "decimal":
        whole, frac = token.split(".")
        if zh:
            return zh_number(int(whole)) + "点" + "".join(_ZH_DIGITS[int(d)] for d in frac)
        return token
    return _speak_digits(token, zh, _next_char(match))


def _next_char(match: re.Match[str]) -> str:
    return match.string[match.end() : match.end() + 1]


def _speak_digits(digits: str, zh: bool, following: str) -> str:
    if len(digits) <= 2:
        if not zh:
            return digits
        value = int(digits)
        if value == 2 and following in "点个位次天号":
            return "两"
        if digits.startswith("0") and len(digits) == 2:  # "05": a code, not a number
            return spell_digits(digits, zh)
        return zh_number(value)
    if zh and len(digits) == 4 and following == "年":  # years use 一, not the telephone 幺
        return "".join(_ZH_DIGITS[int(d)] for d in digits)
    return spell_digits(digits, zh)


def _speak_time(token: str, zh: bool) -> str:
    hours, minutes = (int(part) for part in re.split(r"[:：]", token))
    if not zh:
        if minutes == 0:
            return f"{hours} o'clock"
        return f"{hours} oh {minutes}" if minutes < 10 else f"{hours} {minutes}"
    spoken_hours = "两" if hours == 2 else zh_number(hours)
    if minutes == 0:
        return f"{spoken_hours}点"
    spoken_minutes = "零" + _ZH_DIGITS[minutes] if minutes < 10 else zh_number(minutes)
    return f"{spoken_hours}点{spoken_minutes}"


def _speak_date(token: str, zh: bool) -> str:
    year, month, day = token.split("-")
    if zh:
        return "".join(_ZH_DIGITS[int(d)] for d in year) + f"年{zh_number(int(month))}月{zh_number(int(day))}日"
    return f"{_MONTHS[int(month) - 1]} {int(day)}, {year}"


def _speak_phone(token: str, zh: bool) -> str:
    digit_count = sum(ch.isdigit() for ch in token)
    groups = [group for group in re.split(r"[- ]", token.lstrip("+")) if group]
    if digit_count < _PHONE_MIN_DIGITS:
        # Not a phone number: a list of separate numbers ("5 10", "3-4").
        return " ".join(_speak_digits(group, zh, "") for group in groups)
    plus = ("加" if zh else "plus ") if token.startswith("+") else ""
    separator = "，" if zh else ", "
    return plus + separator.join(spell_digits(group, zh) for group in groups)


def _speak_ticket(token: str, zh: bool) -> str:
    parts: list[str] = []
    for run in re.findall(r"[A-Za-z]+|\d+", token):
        if run.isdigit():
            parts.append(spell_digits(run, zh))
        elif len(run) <= _SPELL_MAX_LETTERS:
            parts.append(" ".join(run.upper()))
        else:
            parts.append(run)
    return "".join(parts) if zh else " ".join(parts)


def spell_digits(digits: str, zh: bool) -> str:
    """Return a digit string read digit by digit (幺 for 1 in Mandarin, words in English)."""
    if zh:
        return "".join(_ZH_PHONE_DIGITS[int(d)] for d in digits if d.isdigit())
    return " ".join(_EN_DIGITS[int(d)] for d in digits if d.isdigit())


def zh_number(value: int) -> str:
    """Return 0-99 as a Mandarin cardinal number (15 -> 十五, 20 -> 二十, 21 -> 二十一)."""
    if not 0 <= value <= 99:
        raise ValueError(f"zh_number covers 0-99, got {value}")
    if value < 10:
        return _ZH_DIGITS[value]
    tens, ones = divmod(value, 10)
    head = "十" if tens == 1 else _ZH_DIGITS[tens] + "十"
    return head + (_ZH_DIGITS[ones] if ones else "")


def _tidy(text: str, zh: bool) -> str:
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    joined: list[str] = []
    for line in lines:
        if joined and not re.search(r"[.,;:!?。，；：！？、…]$", joined[-1]):
            joined[-1] += "。" if zh else "."
        joined.append(line)
    text = ("" if zh else " ").join(joined)
    text = re.sub(r"[ \t\u3000]+", " ", text)
    if zh:
        # A space between two Hanzi separates phrases ("您好 这里是热线"): a pause. Elsewhere around Hanzi it is
        # noise; between Latin words it matters.
        text = re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "，", text)
        text = re.sub(r"(?<=[^A-Za-z0-9]) | (?=[^A-Za-z0-9])", "", text)
    text = re.sub(r" +([,.;:!?])", r"\1", text)
    return text.strip()
