"""The one normal form of a telephone number, used wherever numbers are compared (the ticket store, the call).

Switches hand the same caller over in many spellings: ``+86 138-0013-8000``, ``008613800138000``,
``8613800138000``, ``013800138000`` (a PBX's trunk 0), or ``+86 10 6512 3456`` for the Beijing landline that
dialled domestically reads ``010-6512-3456``. ``caller_key`` maps all of them to one string: mobiles as their
11 digits, landlines with their area code's leading 0 (``01065123456``), other numbers as their digits. A
withheld, anonymous or empty number (or text that is no number at all) gives ``""``, and ``""`` never matches.
"""

from __future__ import annotations

import re

from voicebot.spoken_digits import EN_DIGITS, ZH_DIGITS

WITHHELD = frozenset({"", "anonymous", "unknown", "restricted", "private", "withheld", "unavailable", "null"})
"""What lines put in place of a number the caller withheld (compared in lower case)."""

_SEPARATORS = re.compile(r"[\s\-().·/]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
MIN_DIGITS = 3
"""Shorter digit strings are no caller number (a stray key, a test line's ``0``)."""

_SPOKEN_DIGITS = {**ZH_DIGITS, **EN_DIGITS}
_WORDS = "|".join(word if len(word) > 1 else word + r"\b" for word in sorted(EN_DIGITS, key=len, reverse=True))
"""English digit words, longer first ("oh" before "o"); a lone "o" only at a word's end."""
_SPOKEN = re.compile(f"[{''.join(ZH_DIGITS)}]|{_WORDS}|\\d")


def caller_key(raw: str | None) -> str:
    """Return the normal form of a number as a line or a caller gave it (``""``: withheld or not a number)."""
    text = _SEPARATORS.sub("", (raw or "").strip()).lower()
    if text in WITHHELD:
        return ""
    plus = text.startswith("+")
    digits = text.lstrip("+")
    if not digits.isdigit():
        return ""
    national = _national(digits, plus)
    return national if len(national) >= MIN_DIGITS else ""


def _national(digits: str, plus: bool) -> str:
    """Strip China's country code (+86, 0086, 86 before a mobile) and keep landlines' leading 0."""
    if plus and not digits.startswith("86"):
        return "+" + digits  # another country: kept whole, in its own normal form
    if digits.startswith("0086"):
        digits, international = digits[4:], True
    elif digits.startswith("86") and (plus or _MOBILE.fullmatch(digits[2:]) or len(digits) == 12):
        digits, international = digits[2:], True
    else:
        international = False
    if _MOBILE.fullmatch(digits):
        return digits
    if digits.startswith("0") and _MOBILE.fullmatch(digits[1:]):
        return digits[1:]  # a trunk 0 before a mobile
    if international and not digits.startswith("0"):
        return "0" + digits  # +86 10 ... is the landline 010 ...
    return digits


def spoken_number(text: str) -> str:
    """Return the digits a caller said or keyed (``幺三八 零零`` -> ``13800``; ``one three eight`` -> ``138``)."""
    return "".join(_SPOKEN_DIGITS.get(token, token) for token in _SPOKEN.findall(text.lower()))


def masked(raw: str | None) -> str:
    """Return a number for logs: only its last four digits (``*******8000``)."""
    key = caller_key(raw)
    return "withheld" if not key else "*" * max(0, len(key) - 4) + key[-4:]
