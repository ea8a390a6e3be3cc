"""Resident ID numbers (GB 11643-1999, 18 characters), taken only when the caller volunteers one.

The bot never asks for an ID number; when a caller says one, :func:`volunteered_id` finds it (digits in any spoken
form, the final X as "叉" / "艾克斯" / "x"), checks the check digit, the birth date and the province code, and
returns an :class:`IdCheck` whose ``repr``/``str`` show only the masked form (first 6 and last 1 characters): the
full number goes into the opened ticket only (``IdCheck.number``), never into a log line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from actions.spoken_digits import digit_runs

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CODES = "10X98765432"
# Province-level codes (GB/T 2260, first two digits).
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83", "91",
})
X_WORDS = re.compile(r"艾克斯|爱克斯|叉|(?<![a-z])e?x(?![a-z])", re.IGNORECASE)
ID_CUES = ("身份证", "证件号", "id number", "id card", "identity card", "identity number", "resident id")
REASONS = ("wrong-length", "bad-check-digit", "bad-birth-date", "bad-region", "bad-character")


@dataclass(frozen=True)
class IdCheck:
    """The verdict on one ID number; shows only the masked form when printed or logged."""

    number: str = field(repr=False)
    """The full number as given (upper-case X): for the opened ticket only, never for logs."""
    ok: bool
    """True when length, province code, birth date and check digit are all valid."""
    reason: str | None
    """Why it is invalid: one of :data:`REASONS`; None when ok."""
    birth_date: date | None = None
    """The birth date it encodes, when that is a real date."""
    masked: str = ""
    """The number for logs: first 6 and last 1 characters kept, the rest ``*``."""

    def __str__(self) -> str:
        return self.masked


def mask_id(number: str) -> str:
    """Return the number with all but its first 6 and last 1 characters replaced by ``*``."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 7) + number[-1]


def check_digit(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CODES[total % 11]


def check_id(number: str, today: date | None = None) -> IdCheck:
    """Validate an 18-character resident ID number."""
    value = number.strip().upper()
    masked = mask_id(value)
    if len(value) != 18:
        return IdCheck(value, False, "wrong-length", masked=masked)
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return IdCheck(value, False, "bad-character", masked=masked)
    if value[:2] not in PROVINCES:
        return IdCheck(value, False, "bad-region", masked=masked)
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return IdCheck(value, False, "bad-birth-date", masked=masked)
    if born.year < 1900 or born > (today or date.today()):
        return IdCheck(value, False, "bad-birth-date", born, masked)
    if check_digit(value[:17]) != value[17]:
        return IdCheck(value, False, "bad-check-digit", born, masked)
    return IdCheck(value, True, None, born, masked)


def volunteered_id(text: str, today: date | None = None) -> IdCheck | None:
    """Return the ID number said in the text (checked), or None when the caller said none.

    An 18-character run (17 digits and a final digit or X) is taken as an ID number; with an ID cue word
    (身份证, "ID number") a run of 15 to 19 digits is taken too, and reported invalid when it is not 18 long.
    """
    marked = X_WORDS.sub(" X ", text.lower())
    pieces = marked.split("X")
    candidates: list[str] = []
    for i, piece in enumerate(pieces):
        runs = digit_runs(piece)
        if i < len(pieces) - 1 and runs and len(runs[-1]) == 17:
            candidates.append(runs[-1] + "X")
            runs = runs[:-1]
        candidates.extend(run for run in runs if len(run) == 18)
    if not candidates and any(cue in text.lower() for cue in ID_CUES):
        candidates = [run for piece in pieces for run in digit_runs(piece) if 15 <= len(run) <= 19]
    if not candidates:
        return None
    return check_id(candidates[-1], today)

