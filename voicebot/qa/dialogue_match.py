"""Does a stored ticket field say what the dialogue expects? The rules of ``corpus/README.md`` "Expected values".

Texts are compared after normalising both sides: full-width to half-width (NFKC), case, spaces and
punctuation dropped, numerals to Arabic digits (cn2an for Chinese, text2num for English). A place or
time matches when the stored text contains the expected one and adds at most a little (zh 4 characters,
en 2 words), ignoring a province/city prefix the bot added. ``a|b`` accepts either; a list of
alternatives (``incident_time``) accepts any; ``description`` lists keywords that must all appear.
Ticket values are read generically: the fields dict first, then the ticket's top level, then any nested
mapping (a work order's area, ``location_parts``), so the comparison follows the ticket wherever a field lands.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import cn2an
from text_to_num import alpha2digit

SLACK = {"zh": 4, "en": 2}
"""How much a stored place or time may add to the expected text: zh characters, en words."""
ALIASES = {"category": ("complaint_category", "category")}
"""Ticket keys a corpus field may be stored under, first found wins."""
TEXT_FIELDS = ("location", "incident_time", "district")
"""Fields matched as text with slack."""
_PREFIX_ZH = re.compile(r"^(?:[\u4e00-\u9fff]{2,6}?(?:省|自治区))?(?:[\u4e00-\u9fff]{2,4}?市)?")
_PUNCT = re.compile(r"[^\w]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class FieldCheck:
    """One expected field compared with the stored ticket."""

    field: str
    """Corpus field name."""
    expected: Any
    """What the dialogue expects."""
    got: Any
    """What the ticket holds (None when absent)."""
    ok: bool
    """True when they match."""


def _family(lang: str) -> str:
    return "zh" if lang.lower().startswith("zh") else "en"


_TWO_OCLOCK = re.compile(r"(?<![一几两])两(?=点|分)")
"""两 before a clock unit (夜里两点), which cn2an leaves as it is; not 一两点 (one or two o'clock)."""


def _numerals(text: str, family: str) -> str:
    if family == "zh":
        text = _TWO_OCLOCK.sub("二", text)
    try:
        with warnings.catch_warnings():  # cn2an warns about a numeral it cannot place (百 alone) and keeps it
            warnings.simplefilter("ignore", UserWarning)
            return str(cn2an.transform(text, "cn2an")) if family == "zh" else str(alpha2digit(text, "en", threshold=0))
    except (ValueError, KeyError, IndexError):  # cn2an rejects some odd mixes; keep the text as it is
        return text


def tokens(text: Any, lang: str) -> list[str]:
    """Return the normalised text as tokens: characters for Chinese, words for English."""
    family = _family(lang)
    plain = unicodedata.normalize("NFKC", str(text or "")).lower()
    plain = _numerals(plain, family)
    if family == "zh":
        return list(_PUNCT.sub("", plain).replace("_", ""))
    # "the" tells an agent nothing ("the stall by the gate" = "stall by gate"): corpus authors write it or not.
    return [w for w in _PUNCT.sub(" ", plain).replace("_", " ").split() if w and w != "the"]


def normalise(text: Any, lang: str) -> str:
    """Return the text as compared: no spaces, punctuation or case; Arabic numerals; half-width."""
    return ("" if _family(lang) == "zh" else " ").join(tokens(text, lang))


def _alternatives(expected: Any) -> list[str]:
    items = expected if isinstance(expected, list) else [expected]
    return [alt.strip() for item in items for alt in str(item).split("|") if alt.strip()]


def _contains(got: list[str], want: list[str]) -> bool:
    if not want:
        return False
    if len(want) > len(got):
        return False
    return any(got[i : i + len(want)] == want for i in range(len(got) - len(want) + 1))


def _without_added_places(got: str, want: str, lang: str, known: Sequence[str]) -> list[str]:
    """Return ``got`` and ``got`` without a province/city the bot added that the caller did not say."""
    variants = [got]
    stripped = got
    for place in known:
        plain = normalise(place, lang)
        if plain and plain in stripped and plain not in want:
            stripped = (
                " ".join(stripped.replace(plain, " ", 1).split())
                if _family(lang) == "en"
                else (stripped.replace(plain, "", 1))
            )
    variants.append(stripped)
    if _family(lang) == "zh":
        match = _PREFIX_ZH.match(stripped)
        if match and match.group(0) and not want.startswith(match.group(0)):
            variants.append(stripped[match.end() :])
    return variants


def text_matches(expected: Any, got: Any, lang: str, known_places: Sequence[str] = ()) -> bool:
    """Return True when ``got`` contains one of the expected alternatives and adds at most the slack."""
    if got is None or str(got).strip() == "":
        return False
    family = _family(lang)
    for alternative in _alternatives(expected):
        want = tokens(alternative, lang)
        plain_want = normalise(alternative, lang)
        for stored in _without_added_places(normalise(got, lang), plain_want, lang, known_places):
            have = list(stored) if family == "zh" else stored.split()
            if _contains(have, want) and len(have) - len(want) <= SLACK[family]:
                return True
    return False


def keywords_match(expected: Any, got: Any, lang: str) -> bool:
    """Return True when every keyword (``a|b``: either) appears in ``got``."""
    if got is None:
        return False
    have = normalise(got, lang)
    items = expected if isinstance(expected, list) else [expected]
    for item in items:
        options = [normalise(alt, lang) for alt in str(item).split("|") if alt.strip()]
        if not any(option and option in have for option in options):
            return False
    return bool(items)


def _search(data: Any, key: str, depth: int) -> Any:
    if depth < 0 or not isinstance(data, Mapping):
        return None
    if data.get(key) not in (None, ""):
        return data[key]
    for value in data.values():
        found = _search(value, key, depth - 1)
        if found not in (None, ""):
            return found
    return None


def _named(value: Any) -> Any:
    return value.get("name") or value.get("value") if isinstance(value, Mapping) else value


def ticket_value(ticket: Mapping[str, Any] | None, name: str) -> Any:
    """Return the stored value for a corpus field, wherever the ticket keeps it.

    ``district`` is the one the ticket is routed by: the ticket's own, else its work order's area, else the
    action server's (``fields.district``, ``fields.location_parts.district``). Other fields: the fields dict,
    the ticket's top level, then any nested mapping of the fields or the work order.
    """
    if not ticket:
        return None
    fields = ticket.get("fields") or {}
    order = ticket.get("work_order") or {}
    if name == "district":
        area = order.get("area") if isinstance(order, Mapping) else None
        for place in (ticket, area, fields, fields.get("location_parts") if isinstance(fields, Mapping) else None):
            if isinstance(place, Mapping) and place.get("district") not in (None, ""):
                return _named(place["district"])
    for key in ALIASES.get(name, (name,)):
        for place in (fields, ticket):
            if isinstance(place, Mapping) and place.get(key) not in (None, ""):
                return _named(place[key])
        for nested in (fields, order):
            found = _search(nested, key, 3)
            if found is not None:
                return _named(found)
    return None


def _prefixes(ticket: Mapping[str, Any] | None) -> list[str]:
    fields = (ticket or {}).get("fields") or {}
    parts = fields.get("location_parts") if isinstance(fields, Mapping) else None
    if not isinstance(parts, Mapping):
        return []
    return [str(parts[k]) for k in ("province", "city") if parts.get(k)]


def _phone_matches(expected: Any, ticket: Mapping[str, Any] | None) -> tuple[Any, bool]:
    got = ticket_value(ticket, "callback_phone")
    anonymous = bool(ticket_value(ticket, "anonymous"))
    if str(expected).strip().lower() == "anonymous":
        return ("anonymous" if anonymous else got), anonymous or got in (None, "")
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", str(got or "")))
    return got, bool(digits) and digits == re.sub(r"\D", "", str(expected))


def check_field(name: str, expected: Any, ticket: Mapping[str, Any] | None, lang: str) -> FieldCheck:
    """Compare one expected field with the stored ticket."""
    if name == "callback_phone":
        got, ok = _phone_matches(expected, ticket)
        return FieldCheck(name, expected, got, ok)
    got = ticket_value(ticket, name)
    if name == "confidential":
        got = bool(got) if got is not None else bool((ticket or {}).get("confidential"))
        return FieldCheck(name, expected, got, ticket is not None and got == bool(expected))
    if name in TEXT_FIELDS:
        return FieldCheck(name, expected, got, text_matches(expected, got, lang, _prefixes(ticket)))
    if name == "description":
        return FieldCheck(name, expected, got, keywords_match(expected, got, lang))
    if name == "id_number":
        ok = got is not None and str(got).strip().upper() == str(expected).strip().upper()
        return FieldCheck(name, expected, got, ok)
    ok = got is not None and str(got).strip().lower() in [a.lower() for a in _alternatives(expected)]
    return FieldCheck(name, expected, got, ok)


def check_ticket(expected: Mapping[str, Any], ticket: Mapping[str, Any] | None, lang: str) -> list[FieldCheck]:
    """Compare every expected field, in the corpus's order."""
    return [check_field(name, value, ticket, lang) for name, value in expected.items()]
