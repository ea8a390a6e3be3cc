"""Masking of personal data (phone and ID numbers) for logs and list views."""

from __future__ import annotations

import re

# Other numbers are masked only when they stand on their own: not glued to ASCII letters, digits or ``_``, and not
# joined to them by ``-``/``_``/``.`` either (``rtp-1961234505``, a UUID's last group are identifiers).
# Chinese characters, spaces, punctuation, ``:``, ``@``, ``+`` and ``<`` around a number do not protect it
# (``电话13812345678谢谢``, ``sip:13812345678@host``). The classes are ASCII on purpose: ``\w`` would match Hanzi.
_BEFORE = r"(?<![A-Za-z0-9_])(?<![A-Za-z0-9][-_.])"
_AFTER = r"(?![A-Za-z0-9_])(?![-_.][A-Za-z0-9])"

# Chinese resident ID (17 digits + digit or X) and mobile numbers (11 digits, 13x-19x) are masked wherever a
# digit run is exactly that, inside identifiers too (``fs-13812345678``, ``PJSIP/13812345678-0001``): their shape
# is specific enough, and a leak costs more than a masked id.
_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{6}(\d{2})(?!\d)")
# Phone numbers: 7-15 digits (11-digit mobiles, landlines with area code, bare local numbers), optionally
# +country, spaces or dashes between groups (as ASR and callers write them).
_PHONE = re.compile(_BEFORE + r"(\+?\d[\d \-]{5,17}\d)" + _AFTER)


# Numbers as callers say them and ASR writes them (幺三八 零零幺三 八零零零, 一三八一二三四五六七八): seven or more
# spoken digits in a row, spaces allowed between groups, are masked whole (the first and last kept).
_SPOKEN = re.compile(r"[零〇一二三四五六七八九幺两洞拐](?:\s?[零〇一二三四五六七八九幺两洞拐]){6,}")


def _mask_spoken(match: re.Match[str]) -> str:
    said = re.sub(r"\s", "", match.group(0))
    return said[0] + "*" * (len(said) - 2) + said[-1]


def _mask_phone(match: re.Match[str]) -> str:
    raw = match.group(1)
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 7:
        return raw
    return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]


def mask(text: str) -> str:
    """Return ``text`` with ID card and phone numbers, in digits or spoken, masked (first and last digits kept)."""
    text = _ID_CARD.sub(lambda m: m.group(1) + "********" + m.group(2)[-1], text)
    text = _MOBILE.sub(lambda m: m.group(1) + "******" + m.group(2), text)
    text = _SPOKEN.sub(_mask_spoken, text)
    return _PHONE.sub(_mask_phone, text)
