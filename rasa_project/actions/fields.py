"""Reading each complaint field out of a caller's words: one object the form logic asks, whatever library answers.

Every value comes with the caller's own words and its normalised detail slots (``location_parts``,
``incident_time_norm``, ``phone_kind``), so agents read both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from actions import answers, parsing
from actions.request_type import request_type

FIELD_LABELS = {
    "zh-CN": {"location": "地址", "incident_time": "时间", "callback_phone": "电话", "description": "情况",
              "complaint_category": "问题类型", "confidential": "保密"},
    "en-US": {"location": "address", "incident_time": "time", "callback_phone": "phone number",
              "description": "description", "complaint_category": "problem type", "confidential": "confidentiality"},
}
# Words naming the field a correction is about.
NAMED_ZH = (
    ("callback_phone", re.compile(r"电话|号码|手机|尾号|最后[一二三四五六两几\d]位|后[一二三四五六两几\d]位|前[一二三四五六两几\d]位")),
    ("location", re.compile(r"地址|地点|位置|地方|门牌|哪条路|路名|小区名")),
    ("incident_time", re.compile(r"时间|几点|日子|日期|哪天")),
    ("complaint_category", re.compile(r"类型|类别|哪一类")),
)
NAMED_EN = (
    ("callback_phone", re.compile(r"\b(?:phone|number|digits|mobile|cell)\b")),
    ("location", re.compile(r"\b(?:address|street|road|location|place|building|avenue|lane)\b")),
    ("incident_time", re.compile(r"\b(?:time|date|day|when)\b")),
    ("complaint_category", re.compile(r"\b(?:category|type of problem|kind of problem)\b")),
)
LAST_DIGITS_ZH = re.compile(r"(?:最后|后|尾号)([一二三四五六七八九两几\d])位")
LAST_DIGITS_EN = re.compile(r"\blast (one|two|three|four|five|six|\d) digits?\b")
EN_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
ZH_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True, slots=True)
class Value:
    """One field's value read from the caller's words."""

    value: Any
    """The normalised value (what the ticket field holds)."""
    words: str
    """The caller's own words it came from."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Detail slots to set with it (``location_parts``, ``incident_time_norm``, ``phone_kind``)."""


class FieldReader:
    """Reads fields from utterances (one per action server process; holds the libraries' loaded data)."""

    def request_type(self, text: str) -> str | None:
        """Return the request type the caller's framing names, or None."""
        return request_type(text)

    def wants_anonymous(self, text: str) -> bool:
        """Return whether the caller declines to leave a number."""
        return parsing.wants_anonymous(text)

    def location(self, text: str, lang: str) -> Value | None:
        """Return the place in the words, or None when they hold no place."""
        place = parsing.location_cue(text)
        if not place and parsing.has_hanzi(text):
            place = parsing.place_words(text)
        return Value(place, text) if place else None

    def incident_time(self, text: str, lang: str, base: datetime | None) -> Value | None:
        """Return the time expression in the words, or None."""
        when = parsing.incident_time(text)
        return Value(when, text) if when else None

    def phone(self, text: str, lang: str) -> Value | None:
        """Return a valid phone number in the words, or None."""
        digits = parsing.phone_number(text)
        return Value(digits, text, {"phone_kind": None}) if digits else None

    def all_fields(self, text: str, lang: str, base: datetime | None) -> dict[str, Value]:
        """Return every field the utterance states (several details in one breath)."""
        found: dict[str, Value] = {}
        cat = parsing.category(text)
        if cat:
            found["complaint_category"] = Value(cat, text)
        phone = self.phone(text, lang)
        if phone is not None:
            found["callback_phone"] = phone
        elif self.wants_anonymous(text):
            found["callback_phone"] = Value("anonymous", text)
        place = self.location(text, lang)
        if place is not None:
            found["location"] = place
        when = self.incident_time(text, lang, base)
        if when is not None:
            found["incident_time"] = when
        secret = parsing.confidentiality(text)
        if secret is not None:
            found["confidential"] = Value(secret, text)
        return found

    def named_field(self, text: str, lang: str) -> str | None:
        """Return the field the words name ("地址", "the number"), or None."""
        flat = answers.compact(text)
        for name, pattern in NAMED_ZH if answers.is_zh(flat) else NAMED_EN:
            if pattern.search(flat):
                return name
        return None

    def field_of(self, text: str, lang: str) -> str | None:
        """Return the field a bare value in the words belongs to (digits: phone; a place; a time), or None."""
        if parsing.phone_number(text) or self._last_digits(text):
            return "callback_phone"
        if self.location(text, lang) is not None:
            return "location"
        if self.incident_time(text, lang, None) is not None:
            return "incident_time"
        return None

    def corrected(self, target: str, text: str, old: Any, lang: str, base: datetime | None) -> Value | None:
        """Return the corrected value of ``target`` from the words after a correction cue, or None."""
        if target == "callback_phone":
            whole = self.phone(text, lang)
            if whole is not None:
                return whole
            count = self._last_digits(text)
            digits = parsing.digit_string(text)
            if isinstance(old, str) and old.isdigit() and digits and len(digits) <= len(old):
                count = count or len(digits)
                if count == len(digits):
                    return Value(old[: len(old) - count] + digits, text, {"phone_kind": None})
            return None
        if target == "location":
            return self.location(text, lang) or (Value(parsing.clean(text), text) if parsing.clean(text) else None)
        if target == "incident_time":
            return self.incident_time(text, lang, base)
        if target == "complaint_category":
            cat = parsing.category(text)
            return Value(cat, text) if cat else None
        return None

    def _last_digits(self, text: str) -> int | None:
        flat = answers.compact(text)
        zh = LAST_DIGITS_ZH.search(flat)
        if zh:
            return ZH_SMALL.get(zh.group(1)) or (int(zh.group(1)) if zh.group(1).isdigit() else None)
        en = LAST_DIGITS_EN.search(flat)
        if en:
            return EN_SMALL.get(en.group(1)) or (int(en.group(1)) if en.group(1).isdigit() else None)
        return None

    def label(self, name: str, lang: str) -> str:
        """Return the field's spoken name."""
        return FIELD_LABELS.get(lang, FIELD_LABELS["zh-CN"]).get(name, name)

    def spoken(self, name: str, value: Value, lang: str) -> str:
        """Return the value as the caller hears it back (digits one by one)."""
        if name == "callback_phone" and isinstance(value.value, str) and value.value.isdigit():
            return parsing.spoken_digits(value.value, lang)
        return str(value.value)
