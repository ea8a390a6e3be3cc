"""The knowledge base pages' state (kept on the console app under ``KNOWLEDGE``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web

from tts.base import Synthesizer
from voicebot.knowledge.answers import FaqAnswers
from voicebot.knowledge.drafts import FaqDrafts, Publish
from voicebot.knowledge.publish import Publisher


@dataclass(frozen=True, slots=True)
class Knowledge:
    """What the knowledge base pages need (kept on the app under ``KNOWLEDGE``)."""

    answers: FaqAnswers
    """The versioned answers (on the console's ticket database)."""
    synthesizer: Synthesizer | None
    """The TTS the previews use (the bot's own inside ``voicebot serve``; None: no previews in this process)."""
    drafts: FaqDrafts
    """New topics and questions waiting for a publish, and the publishes."""
    publisher: Publisher
    """Trains, checks and swaps Rasa models."""
    jobs: set[asyncio.Task[Publish]] = field(default_factory=set)
    """Publishes running in the background (cancelled when the server stops)."""


KNOWLEDGE = web.AppKey("voicebot_knowledge", Knowledge)
"""App key of the knowledge base state."""
