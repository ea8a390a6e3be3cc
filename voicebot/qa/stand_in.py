"""A stand-in dialogue engine built from the assistant's own data files, for replay tests without Rasa.

It picks the intent (or FAQ topic) of the nearest training example (character
bigrams for Mandarin, words for English) and answers FAQ topics with the
knowledge base's answer, so a changed answer or a mislabelled example in a copy
of ``rasa_project`` shows up in a replay exactly as it would with the real
assistant. Like the assistant's ticket-status form, it asks for a ticket number and
looks up the 8 digits the caller says or keys. It has no complaint form: scenarios
that need Rasa's forms need Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dialogue.base import BotTurn, Directive, Handoff, Hangup, TicketStatus
from voicebot.errors import DialogueError
from voicebot.handoff.caller_number import spoken_number

_ANSWERS: dict[str, dict[str, str]] = {
    "greet": {"zh-CN": "您好 请问有什么可以帮您", "en-US": "Hello, how can I help you?"},
    "goodbye": {"zh-CN": "感谢您的来电 再见", "en-US": "Thank you for calling, goodbye."},
    "thank": {"zh-CN": "不客气 请问还有什么可以帮您", "en-US": "You are welcome. Anything else?"},
    "check_ticket_status": {"zh-CN": "请说一下您的工单编号", "en-US": "What is your ticket number?"},
    "fallback": {"zh-CN": "抱歉 我没听明白 请您换个说法再说一遍", "en-US": "Sorry, I did not get that."},
    "out_of_scope": {"zh-CN": "这个问题我暂时回答不了 正在为您转接人工客服", "en-US": "I cannot help with that, "
                     "connecting you to an agent."},  # fmt: skip
}
TICKET_DIGITS = 8
"""Ticket numbers have 8 digits."""
MIN_SIMILARITY = 0.25
"""Below this the stand-in says it did not understand (like Rasa's fallback threshold)."""


def _units(text: str, lang: str) -> set[str]:
    squashed = "".join(text.lower().split())
    if lang.startswith("zh"):
        return {squashed[i : i + 2] for i in range(max(1, len(squashed) - 1))}
    return set(text.lower().split())


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _examples(block: Any) -> list[str]:
    lines = str(block or "").splitlines()
    return [line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")]


@dataclass
class StandInDialogue:
    """Answers from ``knowledge/faq.yaml`` and ``data/<lang>/nlu.yml`` of a Rasa project folder (a copy is fine)."""

    project: Path
    """The ``rasa_project`` folder to read."""
    examples: dict[str, list[tuple[set[str], str]]] = field(default_factory=dict)
    """Per language: (example units, label) where label is an intent or ``faq/<topic>``."""
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per language: FAQ label -> answer."""
    asked: list[str] = field(default_factory=list)
    """Every text the engine was asked (tests look at it)."""

    def __post_init__(self) -> None:
        faq = yaml.safe_load((self.project / "knowledge" / "faq.yaml").read_text(encoding="utf-8")) or {}
        for topic, entry in (faq.get("topics") or {}).items():
            for lang, item in (entry or {}).items():
                label = f"faq/{topic}"
                self.answers.setdefault(lang, {})[label] = str(item.get("answer", ""))
                for question in item.get("questions") or []:
                    self.examples.setdefault(lang, []).append((_units(question, lang), label))
        for nlu in sorted(self.project.glob("data/*/nlu.yml")):
            lang = nlu.parent.name
            data = yaml.safe_load(nlu.read_text(encoding="utf-8")) or {}
            for block in data.get("nlu") or []:
                if "intent" in block:
                    for example in _examples(block.get("examples")):
                        self.examples.setdefault(lang, []).append((_units(example, lang), str(block["intent"])))

    def classify(self, text: str, lang: str) -> tuple[str, float]:
        """Return the label of the nearest example and its similarity."""
        units = _units(text, lang)
        scored = [(_similarity(units, ex), label) for ex, label in self.examples.get(lang, [])]
        if not scored:
            raise DialogueError("stand-in-no-data", f"no NLU examples for {lang} under {self.project}")
        score, label = max(scored)
        return label, score

    async def respond(self, call_id: str, text: str, lang: str, metadata: dict[str, Any]) -> BotTurn:
        """Answer one caller utterance."""
        self.asked.append(text)
        digits = spoken_number(text)
        if len(digits) == TICKET_DIGITS:  # a ticket number, as the status form takes it
            return BotTurn((), (TicketStatus(digits),), intent="check_ticket_status")
        label, score = self.classify(text, lang)
        if score < MIN_SIMILARITY:
            return BotTurn((_ANSWERS["fallback"][lang],), intent="nlu_fallback")
        if label.startswith("faq/"):
            return BotTurn((self.answers[lang][label],), intent="faq", faq_topic=label)
        directives: tuple[Directive, ...] = ()
        if label == "goodbye":
            directives = (Hangup(),)
        elif label in ("out_of_scope", "request_human"):
            directives = (Handoff("out-of-scope" if label == "out_of_scope" else "caller-request"),)
        answer = _ANSWERS.get(label, _ANSWERS["thank"])[lang]
        expect = "number" if label == "check_ticket_status" else None
        return BotTurn((answer,), directives, intent=label, expect=expect)
