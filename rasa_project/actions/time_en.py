"""English times: dateparser (PREFER_DATES_FROM past, RELATIVE_BASE = the call's time) + the caller's words.

dateparser reads the date words ("yesterday", "two days ago", "friday", "november twentieth", "the day before
yesterday"); spoken clock times ("ten pm", "half past nine", "nine o'clock") and day parts ("last night", "this
morning", "in the evening") are put into a form it reads first. "every night" is ``recurring``, "since monday" /
"after ten pm" a ``span``, "for about two weeks" a ``duration`` up to the call; "just now", "lately" are times
without a normalised form. A phone number, a place or "i'd rather stay anonymous" is not a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from actions import extracted
from actions.extracted import TimeAnswer, TimeNorm
from actions.lead_ins import without_lead_ins
from actions.nlp_libs import NlpLibs
from actions.spoken_digits import en_number_words, longest_digits

FILLERS = frozenset({"um", "uh", "er", "erm", "hmm", "like", "well", "so", "okay", "ok"})
LEAD_INS = ("the time was", "the time is", "it happened", "it started", "it's been going on", "it has been going on",
            "it's been", "it has been", "it was", "it is", "it's", "i think", "i guess", "maybe", "probably")
APPROX = re.compile(r"\b(?:at around|at about|around|about|approximately|roughly|sometime|some time|or so)\b")
APPROX_CLOCK = re.compile(r"\b(?:at around|at about|around|about|approximately|roughly|after|before|till|until|to)\s+"
                          r"(?=\d{1,2}\b(?! (?:day|week|month|year|hour|minute)s?\b))")
LAST_WEEKDAY = re.compile(r"\blast (?=(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)")
UNTIL = re.compile(r"\b(?:to|until|till|and)\b")
RECURRING = re.compile(r"\b(?:every|each|nightly|daily|always|all the time|constantly|whenever|most (?:nights|days)"
                       r"|on weekends|weekends|every other)\b")
VAGUE = re.compile(r"\b(?:just now|recently|lately|a while ago|earlier|the other day|these days|a few days|some days"
                   r"|this week|right now|now|still|for a while|for ages|for a long time|ongoing)\b")
# Day parts: (start hour, end hour) and how many days back from the date words ("last night" = yesterday).
DAY_PARTS = (("last night", -1, "night"), ("tonight", 0, "night"), ("this morning", 0, "morning"),
             ("this afternoon", 0, "afternoon"), ("this evening", 0, "evening"), ("early morning", 0, "early"),
             ("middle of the night", 0, "late"), ("late at night", 0, "late"), ("late night", 0, "late"),
             ("in the morning", 0, "morning"), ("in the afternoon", 0, "afternoon"), ("in the evening", 0, "evening"),
             ("at night", 0, "night"), ("at noon", 0, "noon"), ("lunchtime", 0, "noon"), ("midnight", 0, "midnight"),
             ("morning", 0, "morning"), ("afternoon", 0, "afternoon"), ("evening", 0, "evening"), ("night", 0, "night"),
             ("nights", 0, "night"), ("noon", 0, "noon"))
PART_HOURS = {"early": (4, 8), "morning": (6, 12), "noon": (12, 14), "afternoon": (13, 18), "evening": (18, 24),
              "night": (18, 24), "late": (0, 5), "midnight": (0, 1)}
PM_PARTS = frozenset({"afternoon", "evening", "night"})
CLOCK = re.compile(r"\b(?:half past (\d{1,2})|quarter past (\d{1,2})|quarter to (\d{1,2})"
                   r"|(?:at )?(\d{1,2})(?::(\d{2}))?\s*(?:(am|pm|a m|p m)\b|o'?clock\b)?)")
DURATION = re.compile(r"\b(?:for|the (?:past|last))\s+(?:a |an |(\d+|a few|a couple of) )?"
                      r"(day|week|month|year|hour)s?\b|\b(\d+) (day|week|month|year)s? now\b")
SINCE = re.compile(r"\b(since|after|from)\b")
DATE_WORDS = frozenset({
    "today", "yesterday", "tomorrow", "ago", "day", "days", "week", "weeks", "month", "months", "year", "years",
    "last", "past", "before", "weekend", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
})
ORDINAL = re.compile(r"^\d{1,2}(?:st|nd|rd|th)$")
ORDINAL_WORDS = {"first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th", "tenth": "10th",
                 "twentieth": "20th", "thirtieth": "30th", "eleventh": "11th", "twelfth": "12th", "fifteenth": "15th"}


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    meridiem: str | None


def clean_time_en(text: str) -> str:
    """Return the caller's time words in lower case without fillers and lead-ins ("it was", "um")."""
    out = " ".join(w for w in re.sub(r"[^\w\s':]", " ", text.lower()).split() if w not in FILLERS)
    out = without_lead_ins(out, LEAD_INS, " ")
    return out


def _settings(base: datetime) -> dict[str, object]:
    return {"PREFER_DATES_FROM": "past", "RELATIVE_BASE": base, "RETURN_AS_TIMEZONE_AWARE": False}


def _date_span(words: list[str]) -> str:
    """Return the date words of a phrase ("started two days ago" -> "2 days ago"), or ''."""
    marks = [i for i, w in enumerate(words) if w in DATE_WORDS or w.isdigit() or ORDINAL.match(w)]
    if not any(not words[i].isdigit() for i in marks):
        return ""  # digits alone ("28 jianguo road") are no date
    first = marks[0] - (1 if marks[0] > 0 and words[marks[0] - 1] in ("the", "a", "this", "last", "past") else 0)
    return " ".join(words[first : marks[-1] + 1])


def _clock(text: str) -> tuple[_Clock | None, str]:
    """Return the clock time said in the text and the text without it."""
    for match in CLOCK.finditer(text):
        half, quarter, to, hour, minute, meridiem = match.groups()
        said_clock = half or quarter or to or (hour and (minute or meridiem or "clock" in match.group(0)
                                                         or match.group(0).startswith("at ")))
        if not said_clock:
            continue
        if half or quarter:
            clock = _Clock(int(half or quarter), 30 if half else 15, None)
        elif to:
            clock = _Clock((int(to) - 1) % 12 or 12, 45, None)
        else:
            clock = _Clock(int(hour), int(minute or 0), (meridiem or "").replace(" ", "") or None)
        if clock.hour > 23 or clock.minute > 59:
            continue
        return clock, (text[: match.start()] + " " + text[match.end() :]).strip()
    return None, text


def _day_part(text: str) -> tuple[str | None, int, str]:
    for phrase, days, part in DAY_PARTS:
        if re.search(rf"\b{phrase}\b", text):
            return part, days, re.sub(rf"\b{phrase}\b", " ", text)
    return None, 0, text


def _point(libs: NlpLibs, phrase: str, base: datetime) -> tuple[datetime, datetime] | None:
    """Return the [start, end] a phrase names (date words, clock time, day part), or None."""
    part, days_back, rest = _day_part(phrase)
    clock, rest = _clock(rest)
    words = [ORDINAL_WORDS.get(w, w) for w in rest.split()]
    bare = [w for w in words if w.isdigit() and int(w) <= 12]
    if clock is None and part is not None and len(bare) == 1 and not DATE_WORDS.intersection(words):
        clock, words = _Clock(int(bare[0]), 0, None), [w for w in words if w != bare[0]]  # "last night ten"
    span = _date_span(words)
    day = base
    if span:
        parsed = libs.dateparser().parse(span, languages=["en"], settings=_settings(base))
        if parsed is None:
            return None
        day = parsed
    elif part is None and clock is None:
        return None
    day = (day + timedelta(days=days_back)).replace(hour=0, minute=0, second=0, microsecond=0)
    if clock is not None:
        hour = clock.hour % 12 + 12 if clock.meridiem == "pm" or (clock.meridiem is None and part in PM_PARTS
                                                                   and clock.hour < 12) else clock.hour
        hour = 0 if clock.meridiem == "am" and hour == 12 else hour
        if part in ("night", "late") and clock.meridiem is None and clock.hour < 5:
            hour, day = clock.hour, day + timedelta(days=1)  # "last night at two": after midnight
        start = day.replace(hour=hour, minute=clock.minute)
        if not span and start > base:
            start -= timedelta(days=1)  # a clock time alone is the last one before the call
        return start, start + timedelta(minutes=59 if clock.minute == 0 else 0, seconds=59)
    if part is not None:
        first, last = PART_HOURS[part]
        if part == "midnight":
            day = day + timedelta(days=1) if span or days_back else day
        return day.replace(hour=first), day + timedelta(hours=last, seconds=-1)
    return day, day + timedelta(days=1, seconds=-1)


def _at(match: re.Match[str]) -> str:
    word = match.group(0).split()[0]
    return "at " if word not in ("after", "before", "till", "until", "to") else f"{word} at "


def _iso(value: datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() if value else None


def _norm(libs: NlpLibs, words: str, base: datetime) -> TimeNorm | None:
    text = en_number_words(words)
    # "around ten" is a clock time ("at 10"); "last friday" is the friday before the call.
    text = APPROX.sub(" ", APPROX_CLOCK.sub(_at, LAST_WEEKDAY.sub("", text)))
    text = " ".join(text.split())
    duration = DURATION.search(text)
    if duration:
        count = duration.group(1) or duration.group(3) or "1"
        count = {"a few": "3", "a couple of": "2"}.get(count, count)
        unit = duration.group(2) or duration.group(4)
        start = libs.dateparser().parse(f"{count} {unit}s ago", languages=["en"], settings=_settings(base))
        return TimeNorm("duration", _iso(start), _iso(base)) if start else None
    if RECURRING.search(text):
        found = _point(libs, RECURRING.sub(" ", text), base)
        return TimeNorm("recurring", _iso(found[0]) if found else None, _iso(found[1]) if found else None)
    since = SINCE.search(text)
    if since:
        after = text[since.end() :]
        until = UNTIL.search(after)
        found = _point(libs, after[: until.start()] if until else after, base)
        upto = _point(libs, after[until.end() :], base) if until else None
        if found:
            end = upto[1] if upto else base if since.group(1) == "since" else None
            return TimeNorm("span", _iso(found[0]), _iso(end))
    found = _point(libs, text, base)
    return TimeNorm("point", _iso(found[0]), _iso(found[1])) if found else None


def parse_time_en(libs: NlpLibs, text: str, base: datetime | None = None) -> TimeAnswer:
    """Return the time in an English answer, normalised relative to ``base`` (the call's time; default now)."""
    heard = text.strip()
    words = clean_time_en(heard)
    if not words:
        return TimeAnswer(False, None, None, heard, extracted.EMPTY)
    digits = longest_digits(words)
    if len(digits) >= 5 and not _day_part(words)[0] and not DATE_WORDS.intersection(words.split()):
        return TimeAnswer(False, None, None, heard, extracted.DIGITS)
    norm = _norm(libs, words, base or datetime.now())
    if norm is not None:
        return TimeAnswer(True, words, norm, heard)
    if RECURRING.search(words) or VAGUE.search(words):
        return TimeAnswer(True, words, None, heard, extracted.UNPARSED)
    return TimeAnswer(False, None, None, heard, extracted.NOT_A_TIME)


def is_time_en(libs: NlpLibs, text: str, base: datetime | None = None) -> bool:
    """Return whether an English text says when (a phone number, a place or a refusal does not)."""
    return parse_time_en(libs, text, base).ok
