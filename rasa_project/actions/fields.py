"""Reading each complaint field out of a caller's words: one object the form logic asks, whatever library answers.

Every value comes with the caller's own words and its normalised detail slots (``location_parts``,
``incident_time_norm``, ``phone_kind``), so agents read both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from actions import answer_words as aw
from actions import answers, parsing
from actions.address_en import clean_en
from actions.district_repair_zh import DistrictRepair
from actions.extract import parse_address, parse_time
from actions.id_number import volunteered_id
from actions.nlp_libs import NlpLibs
from actions.phone import phone_in_words
from actions.pinyin_words_en import PinyinWords
from actions.place_span_zh import PlaceSpans
from actions.place_words_en import clean_place_en
from actions.request_type import request_type
from actions.sound_alike_zh import SoundAlikes
from actions.spoken_digits import apply_correction, zh_house_numbers
from actions.time_words import english_time_answer, time_words

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


@dataclass(frozen=True, slots=True)
class Value:
    """One field's value read from the caller's words."""

    value: Any
    """The normalised value (what the ticket field holds)."""
    words: str
    """The caller's own words it came from."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Detail slots to set with it (``location_parts``, ``incident_time_norm``, ``phone_kind``)."""


def vague_time(value: Value) -> bool:
    """Return whether a time said in passing says no day or moment: recurring ("天天晚上", "every night"), a length
    ("拖欠三个月工资", "waited two hours": how long, not when) or not computable."""
    norm = value.extra.get("incident_time_norm")
    return norm is None or norm.get("kind") in ("recurring", "duration")


class FieldReader:
    """Reads fields from utterances (one per action server process; holds the libraries' loaded data).

    Places: jionlp + cn2an (zh, with jieba's tags to find where a place starts and ends in a sentence), usaddress
    (en). Times: jionlp (zh), dateparser (en). Phone and ID numbers: the validators in ``phone`` and ``id_number``.
    """

    def __init__(self, libs: NlpLibs | None = None) -> None:
        self._libs = libs or NlpLibs()
        self._spans = PlaceSpans(self._libs)
        self._districts = DistrictRepair(self._libs)
        self._pinyin = PinyinWords(self._libs)
        self._sounds = SoundAlikes(self._libs)

    def warm(self) -> None:
        """Load every library's data now (the action server's start), so the first caller does not wait."""
        self._libs.warm()
        self._spans.find("朝阳区建国路28号")
        self._districts.repair("海电区")
        self._sounds.repair("照音")

    def normalize(self, text: str, lang: str) -> str:
        """Return the words with recognition's sound-alikes of district names and key words put right (zh)."""
        if not lang.startswith("zh"):
            return text
        return self._sounds.repair(self._districts.repair(text))

    def answers(self, name: str, text: str, lang: str, base: datetime | None) -> bool:
        """Return whether the words hold a value of the asked field's type."""
        if name == "location":
            return self.location(text, lang, answer=True) is not None
        if name == "incident_time":
            return self.incident_time(text, lang, base, answer=True) is not None
        if name == "callback_phone":
            return self.phone(text, lang) is not None
        return False

    def request_type(self, text: str) -> str | None:
        """Return the request type the caller's framing names, or None."""
        return request_type(text)

    def wants_anonymous(self, text: str) -> bool:
        """Return whether the caller declines to leave a number."""
        return parsing.wants_anonymous(text)

    def location(self, text: str, lang: str, answer: bool = False) -> Value | None:
        """Return the place in the words, or None when they hold none.

        ``answer``: the words answer "where?" (the place may be generic: 小区门口); otherwise the place must be named
        (a district, a road, a compound) to be taken from a sentence about something else.
        """
        if lang.startswith("zh"):
            text = self._districts.repair(text)
            if answer:
                source = aw.without_commentary(aw.self_corrected_place(text))
            else:
                span = self._spans.find(text)
                if span is None or not aw.DETAIL_ZH.search(span.text):
                    return None  # "海淀", "朝阳区三里屯": where exactly is still to be asked
                source = span.text
            place = parse_address(self._libs, source, lang)
        else:
            text = self._districts.repair_en(text)
            place = parse_address(self._libs, text, lang)
            if not answer:
                # From a sentence about something else, only a short street or district name ("on main street").
                value = (place.value or "").lower()
                if not place.ok or len(value.split()) > 6 or not aw.EN_STREET.search(value) or aw.EN_PRONOUN.search(value):
                    return None
                return Value(self._pinyin.join(value), text, {"location_parts": place.as_fields()["location_parts"]})
            words = clean_place_en(aw.EN_TAIL.split(aw.EN_LEAD.sub("", clean_en(text)))[0].strip())
            if not (place.ok or aw.EN_PLACE.search(words)) or not words or self.wants_anonymous(text):
                return None
            if re.fullmatch(r"[\d\s]+", words):
                return None
            words = self._pinyin.join(words)  # "jiu xian qiao road" -> "jiuxianqiao road"
            return Value(words, text, {"location_parts": place.as_fields()["location_parts"]})
        if not place.ok or not place.value:
            return None
        if not answer and (not place.parts.district or "district" in place.inferred):
            return None  # "垃圾站", "北京西站南广场" said in passing: which district, where exactly, is still asked
        value = place.value
        if lang.startswith("zh") and not answer and len(value) < len(source) - 2:
            value = zh_house_numbers(self._libs, source)  # the library cut a place found whole in the sentence
        return Value(value, text, {"location_parts": place.as_fields()["location_parts"]})

    def incident_time(self, text: str, lang: str, base: datetime | None, answer: bool = False) -> Value | None:
        """Return the time expression in the words (only the time words of a longer sentence), or None."""
        when = parse_time(self._libs, text, lang, base)
        if not lang.startswith("zh") and answer and not when.ok and aw.EN_TIME_WORD.search(text.lower()):
            words = english_time_answer(text)  # "since monday monday morning": a time dateparser cannot place
            return Value(words, text, {"incident_time_norm": None}) if words else None
        if not when.ok or not when.words:
            return None
        words = time_words(self._libs, text, lang, when.words, answer)
        if words is None:
            return None
        return Value(words, text, {"incident_time_norm": when.as_fields()["incident_time_norm"]})

    def phone(self, text: str, lang: str) -> Value | None:
        """Return a valid phone number in the words (an ID number said with it is left out), or None."""
        flat = aw.NOT_THAT.sub("", answers.compact(text))  # "nine eight five four not nine eight four four"
        cue = aw.ID_CUE.search(flat)
        spoken = flat[: cue.start()] if cue and cue.start() > 0 else flat
        checked = phone_in_words(spoken)
        area = aw.AREA_CODE_AFTER.search(spoken)
        if not checked.ok and area:
            local = phone_in_words(spoken[: area.start()]).digits
            checked = phone_in_words(parsing.digit_string(area.group(1)) + local)
        if not checked.ok or checked.kind == "short":
            return None
        return Value(checked.digits, text, {"phone_kind": checked.kind})

    def id_number(self, text: str) -> Value | None:
        """Return an ID number the caller volunteered (GB 11643 check digit valid), or None."""
        found = volunteered_id(text)
        return Value(found.number, text) if found is not None and found.ok else None

    def all_fields(self, text: str, lang: str, base: datetime | None, requested: str | None = None) -> dict[str, Value]:
        """Return every field the utterance states (several details in one breath)."""
        found: dict[str, Value] = {}
        if lang.startswith("zh"):
            text = self._districts.repair(text)
        cat = parsing.category(text)
        if cat:
            found["complaint_category"] = Value(cat, text)
        ident = self.id_number(text)
        if ident is not None:
            found["id_number"] = ident
        phone = self.phone(text, lang)
        if phone is not None:
            found["callback_phone"] = phone
        elif self.wants_anonymous(text):
            found["callback_phone"] = Value("anonymous", text)
        if "callback_phone" not in found or requested == "location":
            place = self.location(text, lang, answer=requested == "location")
            if place is not None:
                found["location"] = place
        if "callback_phone" not in found or requested == "incident_time":
            when = self.incident_time(text, lang, base, answer=requested == "incident_time")
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
        if self.phone(text, lang) is not None or self._last_digits(text):
            return "callback_phone"
        if self.location(text, lang, answer=True) is not None:
            return "location"
        if self.incident_time(text, lang, None, answer=True) is not None:
            return "incident_time"
        return None

    def corrected(self, target: str, text: str, old: Any, lang: str, base: datetime | None) -> Value | None:
        """Return the corrected value of ``target`` from the words after a correction cue, or None."""
        if target == "callback_phone":
            whole = self.phone(text, lang)
            if whole is not None:
                return whole
            if not isinstance(old, str) or not old.isdigit():
                return None
            text = aw.NOT_THAT.sub("", answers.compact(text))
            count = self._last_digits(text)
            digits = parsing.digit_string(text)
            if count and digits and len(digits) == count:
                return Value(old[: len(old) - count] + digits, text, {"phone_kind": None})
            fixed = apply_correction(old, text)
            checked = phone_in_words(fixed.digits)
            if checked.ok:
                return Value(checked.digits, text, {"phone_kind": checked.kind})
            return self._number_said_again(text, lang)  # only when no other reading of the correction works
        if target == "location":
            return self.location(text, lang, answer=True)
        if target == "incident_time":
            return self.incident_time(text, lang, base, answer=True)
        if target == "complaint_category":
            cat = parsing.category(text)
            return Value(cat, text) if cat else None
        return None

    def _number_said_again(self, text: str, lang: str) -> Value | None:
        """The whole number said again at the end of a correction ("最后几位是三八七零 幺八六幺零零二三八七零")."""
        digits = parsing.digit_string(text)
        if len(digits) <= 11:
            return None
        checked = phone_in_words(digits[-11:])
        return Value(checked.digits, text, {"phone_kind": checked.kind}) if checked.ok else None

    def _last_digits(self, text: str) -> int | None:
        flat = answers.compact(text)
        zh = aw.LAST_DIGITS_ZH.search(flat)
        if zh:
            return aw.ZH_SMALL.get(zh.group(1)) or (int(zh.group(1)) if zh.group(1).isdigit() else None)
        en = aw.LAST_DIGITS_EN.search(flat)
        if en:
            return aw.EN_SMALL.get(en.group(1)) or (int(en.group(1)) if en.group(1).isdigit() else None)
        return None

    def label(self, name: str, lang: str) -> str:
        """Return the field's spoken name."""
        return FIELD_LABELS.get(lang, FIELD_LABELS["zh-CN"]).get(name, name)

    def spoken(self, name: str, value: Value, lang: str) -> str:
        """Return the value as the caller hears it back (digits one by one)."""
        if name == "callback_phone" and isinstance(value.value, str) and value.value.isdigit():
            return parsing.spoken_digits(value.value, lang)
        return str(value.value)
