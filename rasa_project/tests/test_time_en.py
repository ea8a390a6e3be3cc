"""English times with the real dateparser, relative to a fixed call time."""

from __future__ import annotations

from datetime import datetime

import pytest
from actions import extracted
from actions.nlp_libs import NlpLibs
from actions.time_en import clean_time_en, is_time_en, parse_time_en

CALL = datetime(2026, 12, 1, 15, 30)  # a Tuesday afternoon


@pytest.fixture(scope="module")
def libs() -> NlpLibs:
    return NlpLibs()


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("yesterday", "point", "2026-11-30T00:00:00", "2026-11-30T23:59:59"),
        ("yesterday evening", "point", "2026-11-30T18:00:00", "2026-11-30T23:59:59"),
        ("um last night around ten", "point", "2026-11-30T22:00:00", "2026-11-30T22:59:59"),
        ("last night at two", "point", "2026-12-01T02:00:00", "2026-12-01T02:59:59"),  # after midnight
        ("yesterday at around ten pm", "point", "2026-11-30T22:00:00", "2026-11-30T22:59:59"),
        ("around nine o'clock last night", "point", "2026-11-30T21:00:00", "2026-11-30T21:59:59"),
        ("half past nine this morning", "point", "2026-12-01T09:30:00", "2026-12-01T09:30:59"),
        ("at 9 pm", "point", "2026-11-30T21:00:00", "2026-11-30T21:59:59"),  # the last 9 pm before the call
        ("two days ago", "point", "2026-11-29T00:00:00", "2026-11-29T23:59:59"),
        ("the day before yesterday", "point", "2026-11-29T00:00:00", "2026-11-29T23:59:59"),
        ("last friday", "point", "2026-11-27T00:00:00", "2026-11-27T23:59:59"),
        ("november twentieth", "point", "2026-11-20T00:00:00", "2026-11-20T23:59:59"),
        ("since monday", "span", "2026-11-30T00:00:00", "2026-12-01T15:30:00"),
        ("from 10 pm to midnight", "span", "2026-11-30T22:00:00", "2026-12-01T00:59:59"),
        ("every night", "recurring", "2026-12-01T18:00:00", "2026-12-01T23:59:59"),
        ("it's been going on for two weeks", "duration", "2026-11-17T15:30:00", "2026-12-01T15:30:00"),
        ("for about a week", "duration", "2026-11-24T15:30:00", "2026-12-01T15:30:00"),
    ],
)
def test_times(libs: NlpLibs, text: str, kind: str, start: str, end: str) -> None:
    answer = parse_time_en(libs, text, CALL)
    assert answer.ok and answer.reason is None
    assert answer.norm is not None
    assert (answer.norm.kind, answer.norm.start, answer.norm.end) == (kind, start, end)
    assert answer.heard == text.strip()


def test_words_are_the_callers_without_fillers(libs: NlpLibs) -> None:
    answer = parse_time_en(libs, "Um, it was yesterday at around ten PM", CALL)
    assert answer.words == "yesterday at around ten pm"
    assert answer.as_fields()["incident_time"] == "yesterday at around ten pm"


@pytest.mark.parametrize("text", ["just now", "lately", "on weekends", "it happens all the time"])
def test_vague_and_recurring_words_are_times(libs: NlpLibs, text: str) -> None:
    answer = parse_time_en(libs, text, CALL)
    assert answer.ok and answer.words
    assert answer.norm is None or answer.norm.kind == "recurring"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # The failure: a phone number given when asked *when*.
        ("one three eight one two three four five six seven eight", extracted.DIGITS),
        ("13812345678", extracted.DIGITS),
        ("i'd rather stay anonymous", extracted.NOT_A_TIME),
        ("28 jianguo road", extracted.NOT_A_TIME),  # a house number is no day of the month
        ("the noise", extracted.NOT_A_TIME),
        ("i may call you later", extracted.NOT_A_TIME),  # "may" is no month here
        ("um", extracted.EMPTY),
    ],
)
def test_non_times(libs: NlpLibs, text: str, reason: str) -> None:
    answer = parse_time_en(libs, text, CALL)
    assert not answer.ok
    assert answer.words is None and answer.norm is None
    assert answer.reason == reason
    assert not is_time_en(libs, text, CALL)


def test_clean_time_en() -> None:
    assert clean_time_en("uh it started last week") == "last week"


@pytest.mark.parametrize(
    ("said", "words"),
    [
        ("um it's been going on for like three weeks", "it's been going on for three weeks"),
        ("oh when it was, last tuesday evening", "last tuesday evening"),
        ("since friday no wait since thursday night", "since thursday night"),
        ("it's been like this for ages", "it's been like this for ages"),
        ("sorry the time was about six you know in the morning", "about six in the morning"),
    ],
)
def test_english_time_answers_keep_the_callers_words(said: str, words: str) -> None:
    from actions.time_words import english_time_answer

    assert english_time_answer(said) == words
