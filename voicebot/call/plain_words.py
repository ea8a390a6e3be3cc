"""A ticket's state as a caller hears it: status, the department handling it and the 办理时限, in plain words."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from pypinyin import Style, lazy_pinyin

from tts.normalize import is_chinese, zh_number
from voicebot.call.prompts import sentence, status_words
from voicebot.handoff.base import TicketBrief

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip


def ordinal(day: int) -> str:
    """Return an English day of the month as spoken (``1st``, ``2nd``, ``11th``, ``23rd``)."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def date_words(epoch_ms: int, zone: tzinfo | None, lang: str) -> str:
    """Return the calendar day of ``epoch_ms`` in ``zone`` as said aloud: ``十二月五日`` / ``December 5th``."""
    day = datetime.fromtimestamp(epoch_ms / 1000, zone)
    if is_chinese(lang):
        return f"{zh_number(day.month)}月{zh_number(day.day)}日"
    return f"{_MONTHS[day.month - 1]} {ordinal(day.day)}"


_HANZI = re.compile(r"[\u4e00-\u9fff]")


def department_words(name: str, lang: str) -> str:
    """Return a department's name as said in ``lang``: English calls hear a Chinese name in plain pinyin (the
    routing table has no English names, and an English voice cannot read Hanzi)."""
    if is_chinese(lang) or not _HANZI.search(name):
        return name
    return " ".join(lazy_pinyin(name, style=Style.NORMAL))


def describe(brief: TicketBrief, zone: tzinfo | None, lang: str) -> tuple[tuple[str, bool], ...]:
    """Return the sentences that tell a ticket's status, its department (承办单位) and its deadline (办理时限), as
    ``(text, interruptible)``: the status, which reads the ticket number back, plays whole (``NOT_INTERRUPTIBLE``)."""
    said = [sentence("ticket_status", lang, number=brief.number, status=status_words(brief.status, lang))]
    if brief.status == "resolved":
        return tuple(said)
    if brief.department:
        said.append(sentence("ticket_department", lang, department=department_words(brief.department, lang)))
    else:
        said.append(sentence("ticket_no_department", lang))
    if brief.deadline_at:
        said.append(sentence("ticket_deadline", lang, date=date_words(brief.deadline_at, zone, lang)))
    return tuple(said)
