"""How calls are recorded, from settings: built once in ``voicebot.engines`` and shared by every call."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from voicebot.call.prompts import LANGUAGES, prompt
from voicebot.recording.store import DirectoryStore, RecordingStore
from voicebot.settings import RecordingSettings, project_path


@dataclass(frozen=True, slots=True)
class RecordingPlan:
    """The recording policy every call follows."""

    store: RecordingStore
    """Where the files go."""
    mode: str = "both"
    """``caller`` or ``both`` (``off`` builds no plan)."""
    pause_numbers: bool = True
    """Silence instead of audio while a phone or ID number is given."""
    number_slots: frozenset[str] = frozenset({"callback_phone", "id_number"})
    """Dialogue slots whose question starts a number pause."""
    notice: Mapping[str, str] = field(default_factory=dict)
    """Per language, the notice text replacing the prompt table's."""

    def notice_text(self, lang: str) -> str:
        """Return the recording notice in ``lang`` (the configured text, else the prompt table's)."""
        return self.notice.get(lang) or prompt("recording_notice", lang)

    def notices(self) -> Iterator[tuple[str, str]]:
        """Yield ``(text, lang)`` of every language's notice (pre-rendered by the prompt cache)."""
        for lang in LANGUAGES:
            yield self.notice_text(lang), lang

    def asks_number(self, expect: str | None, asked: str | None) -> bool:
        """Return True when a bot turn asks for a phone or ID number (``expect`` number, or a number slot)."""
        return expect == "number" or (asked is not None and asked in self.number_slots)


def recording_plan(settings: RecordingSettings) -> RecordingPlan | None:
    """Return the plan the settings describe, or ``None`` when recording is off."""
    if settings.mode == "off":
        return None
    slots = frozenset(s.strip() for s in settings.number_slots.split(",") if s.strip())
    store = DirectoryStore(project_path(settings.directory))
    return RecordingPlan(store, settings.mode, settings.pause_numbers, slots, dict(settings.notice))
