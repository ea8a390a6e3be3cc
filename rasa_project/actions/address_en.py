"""English addresses: usaddress (CRF tagger) on the caller's words, numbers spoken as words turned into digits.

``parse_address_en(libs, "um it's at twenty eight jianguo road chaoyang district")`` -> value
``28 Jianguo Road Chaoyang District``, parts ``{district: Chaoyang District, detail: 28 Jianguo Road}``.
The words are cut into phrases at prepositions ("garbage on market street": "garbage" | "market street") and each
phrase is tagged alone, so no other word (a complaint category, "the construction site") is glued into a street
name; only phrases that name a street, a district, a building or a compound are kept. "I'd rather stay anonymous",
the digits of a phone number and bare category words are not addresses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions import extracted
from actions.extracted import Address, AddressParts
from actions.lead_ins import without_lead_ins
from actions.nlp_libs import NlpLibs
from actions.spoken_digits import en_number_words, longest_digits

LEAD_INS = ("the address is", "my address is", "the location is", "the place is", "it's the", "i live at",
            "i live on", "i live in", "we live at", "we live on", "we live in", "it happened at", "it happened on",
            "it happened in", "it's at", "it is at", "it's on", "it is on", "it's in", "it is in", "it's", "it is",
            "its", "um", "uh", "er", "erm", "so", "well", "okay", "ok", "yes", "yeah", "oh", "like", "no", "sorry",
            "actually", "the")
FILLERS = frozenset({"um", "uh", "er", "erm", "like"})
# Phrase boundaries: a street is tagged apart from the words before and after it.
BOUNDARY = re.compile(r"\s*(?:,|\b(?:on|at|in|near|by|of|outside|opposite|behind|beside|off|and|next to|across from"
                      r"|in front of|close to)\b)\s*")
DISTRICT = re.compile(r"\b([a-z]+) (district|county|subdistrict|town|township)\b")  # split() keeps both groups
STREET_TYPES = frozenset({"road", "rd", "street", "st", "avenue", "ave", "lane", "alley", "hutong", "boulevard",
                          "way", "drive", "expressway", "highway", "bridge", "ring"})
COMPOUND_WORDS = frozenset({"garden", "gardens", "compound", "community", "estate", "residence", "residences",
                            "apartments", "apartment", "mansion", "plaza", "mall", "market", "park", "school",
                            "hospital", "station", "square", "gate", "tower", "towers", "village", "center",
                            "centre", "building", "hotel", "university", "college", "soho", "complex"})
STREET_LABELS = frozenset({"AddressNumber", "StreetNamePreDirectional", "StreetNamePreModifier", "StreetNamePreType",
                           "StreetName", "StreetNamePostType", "StreetNamePostDirectional"})
UNIT_LABELS = frozenset({"OccupancyType", "OccupancyIdentifier", "SubaddressType", "SubaddressIdentifier",
                         "BuildingName"})
UNIT_WORDS = frozenset({"building", "bldg", "room", "rm", "unit", "apartment", "apt", "flat", "floor", "block", "tower",
                        "entrance", "suite", "no"})
SMALL_WORDS = frozenset({"the", "of", "and"})
NUMBERED_STREET = re.compile(r"^(.*\b(?:" + "|".join(sorted(STREET_TYPES)) + r"))\s+(?:number |no )?(\d+)$")


@dataclass(frozen=True)
class _Phrase:
    text: str
    kind: str  # street | unit | compound | place


def clean_en(text: str) -> str:
    """Return lower-case words without lead-ins ("it's at", "my address is") and fillers; numbers as digits."""
    out = re.sub(r"[^\w\s']", " ", text.lower())
    out = " ".join(w for w in out.split() if w not in FILLERS)
    out = without_lead_ins(out, LEAD_INS, " ")
    out = re.sub(r"\b(?:number|no)\s+(?=\d)", "", en_number_words(out))
    return out.strip(" ,")


def _title(words: str) -> str:
    return " ".join(w if w in SMALL_WORDS else w[:1].upper() + w[1:] for w in words.split())


def _classify(libs: NlpLibs, phrase: str) -> _Phrase | None:
    """Return what an address phrase names, or None when it names no place."""
    words = phrase.split()
    while words and words[0] in SMALL_WORDS:
        words = words[1:]
    phrase = " ".join(words)
    if not words:
        return None
    moved = NUMBERED_STREET.match(phrase)
    if moved:  # "xueyuan road 28" (Chinese order) -> "28 xueyuan road"
        phrase, words = f"{moved.group(2)} {moved.group(1)}", [moved.group(2), *moved.group(1).split()]
    tagged = libs.usaddress().parse(_title(phrase))
    labels = {label for _, label in tagged}
    named = [w for w in words if w not in SMALL_WORDS and not w.isdigit()]
    if words[-1] in STREET_TYPES and len(named) >= 2:
        return _Phrase(phrase, "street")
    if "StreetName" in labels and labels & {"StreetNamePostType", "AddressNumber"} and any(
        w in STREET_TYPES for w in words
    ):
        return _Phrase(phrase, "street")
    if labels & UNIT_LABELS and any(w in UNIT_WORDS and n.isdigit() for w, n in zip(words, words[1:], strict=False)):
        return _Phrase(phrase, "unit")
    if any(w in COMPOUND_WORDS for w in words[1:]) or (words[0] in COMPOUND_WORDS and any(c.isdigit() for c in phrase)):
        return _Phrase(phrase, "compound")
    if labels <= {"PlaceName", "StateName"} and len(named) == len(words):
        return _Phrase(phrase, "place")
    return None


def parse_address_en(libs: NlpLibs, text: str) -> Address:
    """Return the place in an English answer, normalised (digits, title case), with its parts."""
    words = text.strip()
    cleaned = clean_en(words)
    if not cleaned:
        return Address(False, None, words, AddressParts(), reason=extracted.EMPTY)
    phrases: list[_Phrase] = []
    pieces = DISTRICT.split(cleaned)  # [text, name, kind, text, name, kind, ..., text]
    for i in range(0, len(pieces), 3):
        phrases.extend(p for p in (_classify(libs, chunk) for chunk in BOUNDARY.split(pieces[i])) if p is not None)
        if i + 2 < len(pieces):
            kind = "district" if pieces[i + 2] in ("district", "county") else "town"
            phrases.append(_Phrase(f"{pieces[i + 1]} {pieces[i + 2]}", kind))
    district = next((_title(p.text) for p in phrases if p.kind == "district"), None)
    town = next((_title(p.text) for p in phrases if p.kind == "town"), None)
    details = [p for p in phrases if p.kind in ("street", "unit", "compound")]
    city = next((_title(p.text) for p in phrases if p.kind == "place"), None)
    if not details and not district and not town:
        reason = extracted.DIGITS if len(longest_digits(cleaned)) >= 7 else extracted.NOT_AN_ADDRESS
        return Address(False, None, words, AddressParts(), reason=reason)
    value = " ".join(_title(p.text) for p in phrases)
    detail = " ".join(_title(p.text) for p in details) or None
    return Address(True, value, words, AddressParts(city=city, district=district, town=town, detail=detail))


def looks_like_address_en(libs: NlpLibs, text: str) -> bool:
    """Return whether an English text names a place ("i'd rather stay anonymous" and phone digits do not)."""
    return parse_address_en(libs, text).ok
