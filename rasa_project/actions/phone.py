"""Phone numbers: validate and classify the digits a caller gave for a call back.

- mobile: ``1[3-9]`` + 9 digits (a leading ``86`` / ``+86`` / ``0086`` is dropped);
- landline: area code ``0`` + 2 or 3 digits (``010`` Beijing, ``020``-``029``, otherwise ``0`` + 3 digits such as
  ``0571``) and a 7- or 8-digit subscriber number; with ``local_area_code`` configured, a bare 7/8-digit local
  number gets that area code;
- short: a number from the configured list of short service numbers (12345, 110, ...).

Everything else is rejected with a stable reason code, so the form can say why and ask again.
"""

from __future__ import annotations

from dataclasses import dataclass

from actions.spoken_digits import read_digits

DEFAULT_SHORT_NUMBERS = frozenset({"110", "119", "120", "122", "12345", "12315", "12369", "12333", "12348", "12358"})
# Area codes with two digits after the 0: Beijing 010 and 020-029.
TWO_DIGIT_AREAS = frozenset({"10", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29"})

REASONS = ("empty", "wrong-length", "bad-mobile-prefix", "missing-area-code", "bad-area-code", "bad-number")


@dataclass(frozen=True)
class PhoneCheck:
    """The verdict on one phone number."""

    ok: bool
    """True when the number is a valid mobile, landline or configured short number."""
    digits: str
    """The digits to store and dial (country prefix dropped; a configured local area code added)."""
    kind: str | None
    """``mobile``, ``landline`` or ``short`` when ok, else None."""
    reason: str | None
    """Why the number is invalid: one of :data:`REASONS`; None when ok."""
    area_code: str | None = None
    """The landline's area code (e.g. ``010``), else None."""

    def display(self) -> str:
        """Return the number grouped for an agent: ``138 1234 5678``, ``010-12345678``."""
        if self.kind == "mobile":
            return f"{self.digits[:3]} {self.digits[3:7]} {self.digits[7:]}"
        if self.kind == "landline" and self.area_code:
            return f"{self.area_code}-{self.digits[len(self.area_code):]}"
        return self.digits


def check_phone(
    digits: str, short_numbers: frozenset[str] = DEFAULT_SHORT_NUMBERS, local_area_code: str | None = None
) -> PhoneCheck:
    """Validate and classify a string of digits (spaces, ``-`` and a leading ``+`` are ignored)."""
    raw = "".join(c for c in digits if c.isdigit())
    if not raw:
        return PhoneCheck(False, raw, None, "empty")
    if raw in short_numbers:
        return PhoneCheck(True, raw, "short", None)
    for prefix in ("0086", "86"):
        if raw.startswith(prefix) and len(raw) == len(prefix) + 11 and raw[len(prefix)] == "1":
            raw = raw[len(prefix) :]
    if raw.startswith("1"):
        if len(raw) != 11:
            return PhoneCheck(False, raw, None, "wrong-length")
        if raw[1] not in "3456789":
            return PhoneCheck(False, raw, None, "bad-mobile-prefix")
        return PhoneCheck(True, raw, "mobile", None)
    if raw.startswith("0"):
        return _landline(raw)
    if len(raw) in (7, 8):
        if local_area_code:
            return _landline(local_area_code + raw)
        return PhoneCheck(False, raw, None, "missing-area-code")
    return PhoneCheck(False, raw, None, "wrong-length")


def _landline(raw: str) -> PhoneCheck:
    if raw.startswith("00"):
        return PhoneCheck(False, raw, None, "bad-area-code")
    area = raw[:3] if raw[1:3] in TWO_DIGIT_AREAS else raw[:4]
    subscriber = raw[len(area) :]
    if len(subscriber) not in (7, 8) or (len(area) == 3 and len(subscriber) != 8):
        return PhoneCheck(False, raw, None, "wrong-length", area)
    if subscriber[0] in "01":
        return PhoneCheck(False, raw, None, "bad-number", area)
    return PhoneCheck(True, raw, "landline", None, area)


def phone_in_words(
    text: str, short_numbers: frozenset[str] = DEFAULT_SHORT_NUMBERS, local_area_code: str | None = None
) -> PhoneCheck:
    """Read the digits of a spoken answer (self-corrections applied) and check them as a phone number."""
    return check_phone(read_digits(text).digits, short_numbers, local_area_code)
