"""What a call record shows the bot did: emergency advice, misunderstandings, a gibberish turn taken as "yes".

Emergency advice is what the bot *said*, found two ways (so a reworded response does not hide it):

1. a bot utterance equal (after normalising) to one of Rasa's ``utter_emergency_<kind>`` responses in
   ``rasa_project/domain/<lang>.yml`` or to the bot's own advice prompts (``voicebot/call/prompts.py``:
   ``emergency_<kind>`` gives the kind, ``emergency`` names every number: ``any``);
2. a bot utterance naming an emergency number (119/幺幺九: fire or gas, 110/幺幺零: police, 120/幺二零:
   medical) together with "紧急"/"emergency", or in a reply whose intent is ``emergency``.

The intent alone is not advice: Rasa reports the *caller's* intent, and a complaint form goes on asking
for a phone number after an utterance its NLU took for an emergency.

A misunderstanding is a reply whose intent is ``nlu_fallback`` or whose words are Rasa's
``utter_please_rephrase`` / ``utter_handoff_misunderstood`` (or say "没听明白"/"rephrase").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from voicebot.call.prompts import PROMPTS
from voicebot.events import BotReplied, BotStartedSpeaking, CallEvent, CallRecord, TicketFiled
from voicebot.qa.dialogue_caller import PlayedTurn
from voicebot.qa.dialogue_corpus import EMERGENCIES
from voicebot.qa.dialogue_match import normalise
from voicebot.settings import PROJECT_ROOT

DOMAIN_DIR = PROJECT_ROOT / "rasa_project" / "domain"
"""Where Rasa's responses per language are."""
ANY = "any"
"""The kind of advice that names every emergency number (the bot's own prompt)."""
NUMBER_KINDS = {
    "119": ("fire", "gas"), "幺幺九": ("fire", "gas"), "一一九": ("fire", "gas"),
    "110": ("police",), "幺幺零": ("police",), "一一零": ("police",),
    "120": ("medical",), "幺二零": ("medical",), "一二零": ("medical",),
}  # fmt: skip
"""Emergency numbers and the advice kinds they belong to."""
EMERGENCY_WORDS = ("紧急", "emergency")
"""Words that make an utterance naming such a number emergency advice."""
MISUNDERSTOOD_WORDS = ("没听明白", "没听清", "换个说法", "rephrase", "did not get that", "didn't get that",
                       "did not understand", "didn't catch")  # fmt: skip
"""Words of a please-rephrase answer."""
MISUNDERSTOOD_RESPONSES = ("utter_please_rephrase", "utter_handoff_misunderstood")
"""Rasa responses that mean the bot did not understand."""
YES_NO_FIELDS = ("complaint_confirmed", "confidential", "in_danger", "callback_offered")
"""Questions a gibberish answer must never settle as "yes"."""


@dataclass(frozen=True, slots=True)
class BotTexts:
    """Known bot sentences per language, normalised: emergency advice by kind and please-rephrase answers."""

    emergency: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Per language: normalised sentence -> advice kind."""
    misunderstood: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Per language: normalised please-rephrase sentences."""


def _responses(path: Path) -> dict[str, list[str]]:
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, list[str]] = {}
    for name, variants in (data.get("responses") or {}).items():
        out[str(name)] = [str(v["text"]) for v in variants or [] if isinstance(v, dict) and v.get("text")]
    return out


def load_bot_texts(domain_dir: Path = DOMAIN_DIR, langs: Sequence[str] = ("zh-CN", "en-US")) -> BotTexts:
    """Read the emergency and please-rephrase sentences from Rasa's domain files and the bot's prompts."""
    emergency: dict[str, dict[str, str]] = {}
    misunderstood: dict[str, frozenset[str]] = {}
    for lang in langs:
        responses = _responses(domain_dir / f"{lang}.yml")
        kinds: dict[str, str] = {}
        for key, texts_by_lang in PROMPTS.items():  # the bot's own advice: emergency (all numbers), emergency_<kind>
            kind = ANY if key == "emergency" else key.removeprefix("emergency_")
            if (kind == ANY or (key.startswith("emergency_") and kind in EMERGENCIES)) and lang in texts_by_lang:
                kinds[normalise(texts_by_lang[lang], lang)] = kind
        for name, texts in responses.items():
            if name.startswith("utter_emergency_"):
                kinds.update({normalise(t, lang): name.removeprefix("utter_emergency_") for t in texts})
        emergency[lang] = kinds
        misunderstood[lang] = frozenset(
            normalise(t, lang) for name in MISUNDERSTOOD_RESPONSES for t in responses.get(name, [])
        )
    return BotTexts(emergency, misunderstood)


def advice_kinds(events: Sequence[CallEvent], lang: str, texts: BotTexts) -> set[str]:
    """Return the kinds of emergency advice the bot gave in these events (``any`` for the all-numbers prompt)."""
    kinds: set[str] = set()
    known = texts.emergency.get(lang, {})
    for event in events:
        if isinstance(event, BotReplied):
            sentences = [(u, (event.intent or "").startswith("emergency")) for u in event.utterances]
        elif isinstance(event, BotStartedSpeaking):
            sentences = [(event.text, False)]
        else:
            continue
        for sentence, urgent in sentences:
            plain = normalise(sentence, lang)
            if plain in known:
                kinds.add(known[plain])
            elif urgent or any(word in sentence.lower() for word in EMERGENCY_WORDS):
                squashed = sentence.replace(" ", "")
                kinds.update(k for number, found in NUMBER_KINDS.items() if number in squashed for k in found)
    return kinds


def advice_matches(expected: str | None, given: set[str]) -> bool:
    """Return True when the advice given covers the emergency expected (``any`` covers every kind)."""
    return expected is not None and (expected in given or ANY in given)


def misunderstandings(record: CallRecord, lang: str, texts: BotTexts) -> int:
    """Return how many bot replies were fallbacks or please-rephrase answers."""
    known = texts.misunderstood.get(lang, frozenset())
    count = 0
    for reply in record.of(BotReplied):
        said = [normalise(u, lang) for u in reply.utterances]
        worded = any(s in known for s in said)
        worded = worded or any(w in u.lower() for u in reply.utterances for w in MISUNDERSTOOD_WORDS)
        if reply.intent == "nlu_fallback" or worded:
            count += 1
    return count


def _window(record: CallRecord, turns: Sequence[PlayedTurn], index: int) -> list[CallEvent]:
    start = turns[index].at_ms
    end = turns[index + 1].at_ms if index + 1 < len(turns) else None
    return [e for e in record.events if e.at_ms >= start and (end is None or e.at_ms < end)]


def _took_yes(window: Sequence[CallEvent], asked: str | None, lang: str, texts: BotTexts) -> bool:
    if any(isinstance(e, TicketFiled) and e.ticket_kind == "complaint" for e in window):
        return True
    if asked not in YES_NO_FIELDS:
        return False
    replies = [e for e in window if isinstance(e, BotReplied)]
    if any(r.slots.get(asked) is True for r in replies):
        return True
    if asked == "in_danger" and advice_kinds(window, lang, texts):
        return True
    moved_on = bool(replies) and replies[-1].asked != asked
    return moved_on and any(r.intent == "affirm" for r in replies)


def gibberish_accepted(record: CallRecord, turns: Sequence[PlayedTurn], lang: str, texts: BotTexts) -> list[int]:
    """Return the indexes of gibberish turns the bot took as "yes" (a ticket filed, a yes/no slot set to yes)."""
    return [
        t.index
        for t in turns
        if t.line.gibberish and _took_yes(_window(record, turns, t.index), t.asked, lang, texts)
    ]
