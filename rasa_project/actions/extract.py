"""One entry point per field for the form logic: the language picks the extractor.

    libs = NlpLibs()                      # one per process, held by the actions
    place = parse_address(libs, text, "zh-CN")
    when = parse_time(libs, text, "en-US", call_time(metadata))
    if place.ok: slots.update(place.as_fields())
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from actions.address_en import parse_address_en
from actions.address_zh import parse_address_zh
from actions.extracted import Address, TimeAnswer
from actions.nlp_libs import NlpLibs
from actions.time_en import parse_time_en
from actions.time_zh import parse_time_zh

CALL_TIME_KEY = "call_started"
"""Optional message metadata: the call's start as ISO 8601; times are resolved relative to it (else now)."""


def call_time(metadata: dict[str, Any] | None) -> datetime:
    """Return the call's wall-clock time from the metadata (``call_started``), or now when absent or unreadable."""
    raw = (metadata or {}).get(CALL_TIME_KEY)
    if isinstance(raw, str):
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            return datetime.now()
        return parsed.replace(tzinfo=None)  # the wall-clock time where the call happens, as the bot sent it
    return datetime.now()


def parse_address(libs: NlpLibs, text: str, lang: str) -> Address:
    """Return the place in an answer (jionlp + cn2an for zh, usaddress for en)."""
    return parse_address_zh(libs, text) if lang.startswith("zh") else parse_address_en(libs, text)


def parse_time(libs: NlpLibs, text: str, lang: str, base: datetime | None = None) -> TimeAnswer:
    """Return the time in an answer (jionlp for zh, dateparser for en), relative to ``base``."""
    return parse_time_zh(libs, text, base) if lang.startswith("zh") else parse_time_en(libs, text, base)
