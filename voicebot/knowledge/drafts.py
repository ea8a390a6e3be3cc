"""``FaqDrafts``: new topics and example questions waiting for a new Rasa model, and the publishes that train it.

Answer texts need no training (``answers.py``); what Rasa must learn to recognise (a new topic, a new way to ask)
is saved here as a draft by the supervisor who wrote it, and a publish (``publish.py``) takes every draft of one
language into a model. Each publish is recorded: who, when, the intent F1 before and after, the outcome.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Row, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from voicebot.errors import KnowledgeError
from voicebot.handoff.schema import faq_drafts, faq_publishes
from voicebot.knowledge.answers import MAX_ANSWER_CHARS
from voicebot.knowledge.seed import LANGUAGES

TOPIC_NAME = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
"""A topic's name: Rasa's retrieval intent ``faq/<name>`` (lower case letters, digits, underscores)."""

MIN_QUESTIONS = 5
"""Example questions a new topic needs (one in five is held out to check the model)."""


@dataclass(frozen=True, slots=True)
class Draft:
    """One draft: a new topic (with its first answer) or a new example question."""

    id: int
    """Row id."""
    topic: str
    """The topic it belongs to."""
    language: str
    """``zh-CN`` or ``en-US``."""
    kind: str
    """``topic`` or ``question``."""
    text: str
    """The answer (``topic``) or the question (``question``)."""
    author: str
    """Who wrote it."""
    created_at: int
    """When, epoch ms."""


@dataclass(frozen=True, slots=True)
class Publish:
    """One publish: train, check, swap."""

    id: int
    """Row id."""
    language: str
    """The model's language."""
    status: str
    """``running``, ``published``, ``refused`` or ``failed``."""
    author: str
    """Who pressed publish."""
    started_at: int
    """When it started, epoch ms."""
    finished_at: int | None
    """When it ended (None while running)."""
    baseline_f1: float | None
    """Intent F1 (weighted) on the held-out split before the drafts."""
    candidate_f1: float | None
    """Intent F1 (weighted) on the held-out split with the drafts."""
    model_path: str | None
    """The model Rasa loaded (published) or that was refused."""
    detail: str
    """What happened, in a sentence (error code and message on failure)."""


def _clean(text: str) -> str:
    return " ".join(text.split())


class FaqDrafts:
    """Drafts and publishes on the ticket database."""

    def __init__(self, engine: AsyncEngine, now_ms: Callable[[], int]) -> None:
        self.engine = engine
        """The ticket database."""
        self.now_ms = now_ms
        """Epoch-ms clock."""

    async def add_questions(self, topic: str, language: str, questions: list[str], author: str) -> int:
        """Save new example questions of an existing or drafted topic; return how many were saved."""
        lines = [q for q in (_clean(q) for q in questions) if q]
        if not lines:
            raise KnowledgeError("faq-no-questions", "write at least one question")
        self._check(topic, language)
        await self._insert([(topic, language, "question", q, author) for q in lines])
        return len(lines)

    async def add_topic(self, topic: str, language: str, answer: str, questions: list[str], author: str) -> None:
        """Save a new topic with its first answer and its example questions."""
        self._check(topic, language)
        if not TOPIC_NAME.match(topic):
            raise KnowledgeError("faq-bad-topic-name", "a topic name is 2-48 lower case letters, digits or _")
        answer, lines = _clean(answer), [q for q in (_clean(q) for q in questions) if q]
        if not answer or len(answer) > MAX_ANSWER_CHARS:
            raise KnowledgeError("faq-empty-answer", "a new topic needs an answer")
        if len(lines) < MIN_QUESTIONS:
            raise KnowledgeError("faq-few-questions", f"a new topic needs at least {MIN_QUESTIONS} questions")
        rows = [(topic, language, "topic", answer, author)] + [(topic, language, "question", q, author) for q in lines]
        await self._insert(rows)

    async def pending(self, language: str) -> list[Draft]:
        """Return the drafts of ``language`` no publish has taken yet, oldest first."""
        query = (select(faq_drafts).where(faq_drafts.c.language == language, faq_drafts.c.publish_id.is_(None))
                 .order_by(faq_drafts.c.id))  # fmt: skip
        return [_draft(r) for r in await self._rows(query)]

    async def published(self, language: str) -> list[Draft]:
        """Return the drafts of ``language`` a successful publish took (they stay in every later model)."""
        done = select(faq_publishes.c.id).where(faq_publishes.c.status == "published")
        query = (select(faq_drafts).where(faq_drafts.c.language == language, faq_drafts.c.publish_id.in_(done))
                 .order_by(faq_drafts.c.id))  # fmt: skip
        return [_draft(r) for r in await self._rows(query)]

    async def start(self, language: str, author: str) -> Publish:
        """Record a running publish of ``language`` (refused while another one of that language runs)."""
        running = await self._rows(select(faq_publishes).where(faq_publishes.c.language == language,
                                                               faq_publishes.c.status == "running"))  # fmt: skip
        if running:
            raise KnowledgeError("faq-publish-running", f"a publish of {language} is already running")
        async with self.engine.begin() as conn:
            result = await conn.execute(insert(faq_publishes).values(
                language=language, status="running", author=author, started_at=self.now_ms(), detail=""))  # fmt: skip
            pid = int(result.inserted_primary_key[0])  # type: ignore[index]
        return Publish(pid, language, "running", author, self.now_ms(), None, None, None, None, "")

    async def finish(self, publish: Publish, status: str, detail: str, *, baseline: float | None = None,
                     candidate: float | None = None, model: str | None = None,
                     drafts: list[Draft] | None = None) -> None:  # fmt: skip
        """Record how a publish ended; ``drafts`` (published) are marked as taken by it."""
        async with self.engine.begin() as conn:
            await conn.execute(update(faq_publishes).where(faq_publishes.c.id == publish.id).values(
                status=status, finished_at=self.now_ms(), detail=detail[:2000], baseline_f1=baseline,
                candidate_f1=candidate, model_path=model))  # fmt: skip
            if drafts:
                await conn.execute(update(faq_drafts).where(faq_drafts.c.id.in_([d.id for d in drafts]))
                                   .values(publish_id=publish.id))  # fmt: skip

    async def interrupt_running(self) -> int:
        """Mark publishes left ``running`` by a stopped process as failed (at start-up); return how many."""
        async with self.engine.begin() as conn:
            result = await conn.execute(update(faq_publishes).where(faq_publishes.c.status == "running").values(
                status="failed", finished_at=self.now_ms(), detail="interrupted: the server stopped"))  # fmt: skip
        return int(result.rowcount or 0)

    async def publishes(self, language: str | None = None, limit: int = 20) -> list[Publish]:
        """Return the latest publishes, newest first."""
        query = select(faq_publishes).order_by(faq_publishes.c.id.desc()).limit(limit)
        if language is not None:
            query = query.where(faq_publishes.c.language == language)
        return [Publish(**dict(r._mapping)) for r in await self._rows(query)]

    def _check(self, topic: str, language: str) -> None:
        if language not in LANGUAGES:
            raise KnowledgeError("faq-unknown-language", f"unknown language {language!r}")
        if not topic:
            raise KnowledgeError("faq-unknown-topic", "no topic given")

    async def _insert(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        now = self.now_ms()
        values = [{"topic": t, "language": lang, "kind": k, "text": x, "author": a, "created_at": now}
                  for t, lang, k, x, a in rows]  # fmt: skip
        try:
            async with self.engine.begin() as conn:
                await conn.execute(insert(faq_drafts), values)
        except SQLAlchemyError as err:
            raise KnowledgeError("faq-store-failed", f"cannot save the drafts: {err}") from err

    async def _rows(self, query: object) -> list[Row[tuple[object, ...]]]:
        try:
            async with self.engine.connect() as conn:
                return list((await conn.execute(query)).fetchall())  # type: ignore[call-overload]
        except SQLAlchemyError as err:
            raise KnowledgeError("faq-store-failed", f"cannot read the drafts: {err}") from err


def _draft(row: Row[tuple[object, ...]]) -> Draft:
    m = row._mapping
    return Draft(int(m["id"]), str(m["topic"]), str(m["language"]), str(m["kind"]), str(m["text"]), str(m["author"]),
                 int(m["created_at"]))  # fmt: skip
