"""``StoredAnswers``: a dialogue engine that speaks the knowledge base's answer for the FAQ topic Rasa picked.

Rasa only classifies the caller's question (retrieval intent ``faq/<topic>``) and sends its trained answer text
followed by ``{"faq_topic": ...}``; this engine swaps that text for the newest version in the ticket database, so a
supervisor's edit is spoken on the next call without retraining. If the database cannot be read the trained text is
spoken (logged), so a database outage never silences an answer.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from dialogue.base import BotTurn, DialogueEngine
from voicebot.errors import KnowledgeError
from voicebot.knowledge.answers import FaqAnswers, topic_of

log = logging.getLogger(__name__)


class StoredAnswers:
    """A ``DialogueEngine`` around another one, replacing FAQ answer texts with the stored ones."""

    def __init__(self, inner: DialogueEngine, answers: FaqAnswers) -> None:
        self.inner = inner
        """The engine that understands the caller (Rasa over HTTP)."""
        self.answers = answers
        """The versioned answers."""

    async def respond(self, call_id: str, text: str, lang: str, metadata: dict[str, Any]) -> BotTurn:
        """Return the inner engine's turn, its FAQ answer replaced by the knowledge base's current text."""
        turn = await self.inner.respond(call_id, text, lang, metadata)
        if turn.faq_topic is None or turn.faq_index is None or not 0 <= turn.faq_index < len(turn.utterances):
            return turn
        try:
            answer = await self.answers.current(topic_of(turn.faq_topic), lang)
        except KnowledgeError as err:
            log.warning("call %s: FAQ answer lookup failed (%s); speaking the trained text", call_id, err.code)
            return turn
        if answer is None:
            return turn
        utterances = list(turn.utterances)
        utterances[turn.faq_index] = answer.text
        return replace(turn, utterances=tuple(utterances))
