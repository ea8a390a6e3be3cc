"""Masking of personal data (phone and ID numbers) for logs and list views."""

from __future__ import annotations

import re

# Chinese resident ID: 17 digits + digit or X; phone numbers: 7-15 digits, optionally +country,
# spaces or dashes between groups (as ASR and callers write them).
_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_PHONE = re.compile(r"(?<![\dA-Za-z])(\+?\d[\d \-]{5,17}\d)(?![\dA-Za-z])")


def _mask_phone(match: re.Match[str]) -> str:
    raw = match.group(1)
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 7:
        return raw
    return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]


def mask(text: str) -> str:
    """Return ``text`` with ID card and phone numbers masked (first and last digits kept)."""
    text = _ID_CARD.sub(lambda m: m.group(1) + "********" + m.group(2)[-1], text)
    return _PHONE.sub(_mask_phone, text)
