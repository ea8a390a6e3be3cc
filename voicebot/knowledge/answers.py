"""``FaqAnswers``: the versioned FAQ answers in the ticket database (table ``faq_answers``).

Every save is a new row (topic, language, version + 1, author, time); the newest version is the answer the bot
speaks on the next call. Restoring an old version saves its text again as a new version, so history only grows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Row, func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from voicebot.errors import KnowledgeError
from voicebot.handoff.schema import faq_answers
from voicebot.knowledge.seed import FAQ_FILE, LANGUAGES, SEED_AUTHOR, SeedAnswer, file_answers

log = logging.getLogger(__name__)

MAX_ANSWER_CHARS = 400
"""Longest answer accepted (answers are spoken: one or two short sentences)."""


@dataclass(frozen=True, slots=True)
class FaqAnswer:
    """One version of a topic's answer in one language."""

    topic: str
    """The FAQ topic (``office_hours``)."""
    language: str
    """``zh-CN`` or ``en-US``."""
    text: str
    """What the bot says."""
    version: int
    """1 for the seed, one more for every save."""
    author: str
    """Console user who saved it (``seed`` for the file's text)."""
    created_at: int
    """When, epoch milliseconds."""


def _answer(row: Row[tuple[object, ...]]) -> FaqAnswer:
    m = row._mapping
    return FaqAnswer(str(m["topic"]), str(m["language"]), str(m["text"]), int(m["version"]), str(m["author"]),
                     int(m["created_at"]))  # fmt: skip


def topic_of(faq_topic: str) -> str:
    """Return the topic of Rasa's retrieval intent name (``faq/office_hours`` -> ``office_hours``)."""
    return faq_topic.removeprefix("faq/")


class FaqAnswers:
    """Read and version FAQ answers on the ticket database's engine (migrated by the ticket store)."""

    def __init__(self, engine: AsyncEngine, now_ms: Callable[[], int]) -> None:
        self.engine = engine
        """The ticket database."""
        self.now_ms = now_ms
        """Epoch-ms clock (the store's; injectable for tests)."""

    async def seed(self, answers: Iterable[SeedAnswer], author: str = SEED_AUTHOR) -> int:
        """Add version 1 of every topic and language that has no answer yet; return how many were added."""
        added = 0
        existing = {(a.topic, a.language) for a in await self.current_all()}
        for answer in answers:
            if (answer.topic, answer.language) in existing:
                continue
            try:
                async with self.engine.begin() as conn:
                    await conn.execute(insert(faq_answers).values(
                        topic=answer.topic, language=answer.language, text=answer.text, version=1,
                        author=author, created_at=self.now_ms()))  # fmt: skip
                added += 1
            except IntegrityError:  # another process seeded it meanwhile
                continue
            except SQLAlchemyError as err:
                raise KnowledgeError("faq-store-failed", f"cannot seed FAQ answers: {err}") from err
        if added:
            log.info("seeded %d FAQ answers from the knowledge base file", added)
        return added

    async def current(self, topic: str, language: str) -> FaqAnswer | None:
        """Return the newest answer of ``topic`` in ``language``, or None if the topic has none."""
        query = (select(faq_answers).where(faq_answers.c.topic == topic, faq_answers.c.language == language)
                 .order_by(faq_answers.c.version.desc()).limit(1))  # fmt: skip
        rows = await self._rows(query)
        return _answer(rows[0]) if rows else None

    async def current_all(self, language: str | None = None) -> list[FaqAnswer]:
        """Return the newest answer of every topic (in ``language``, or all), sorted by topic and language."""
        newest = (select(faq_answers.c.topic, faq_answers.c.language, func.max(faq_answers.c.version).label("v"))
                  .group_by(faq_answers.c.topic, faq_answers.c.language).subquery())  # fmt: skip
        query = select(faq_answers).join(newest, (faq_answers.c.topic == newest.c.topic)
                                         & (faq_answers.c.language == newest.c.language)
                                         & (faq_answers.c.version == newest.c.v))  # fmt: skip
        if language is not None:
            query = query.where(faq_answers.c.language == language)
        rows = await self._rows(query.order_by(faq_answers.c.topic, faq_answers.c.language))
        return [_answer(r) for r in rows]

    async def history(self, topic: str, language: str) -> list[FaqAnswer]:
        """Return every version of ``topic`` in ``language``, newest first."""
        query = (select(faq_answers).where(faq_answers.c.topic == topic, faq_answers.c.language == language)
                 .order_by(faq_answers.c.version.desc()))  # fmt: skip
        return [_answer(r) for r in await self._rows(query)]

    async def save(self, topic: str, language: str, text: str, author: str) -> FaqAnswer:
        """Store ``text`` as the new answer (a new version by ``author``) and return it."""
        text = " ".join(text.split())
        if not text:
            raise KnowledgeError("faq-empty-answer", "an answer cannot be empty")
        if len(text) > MAX_ANSWER_CHARS:
            raise KnowledgeError("faq-answer-too-long", f"an answer has at most {MAX_ANSWER_CHARS} characters")
        if language not in LANGUAGES:
            raise KnowledgeError("faq-unknown-language", f"unknown language {language!r}")
        for _attempt in range(3):  # two supervisors saving at once: the loser takes the next number
            latest = await self.current(topic, language)
            if latest is None:
                raise KnowledgeError("faq-unknown-topic", f"no FAQ topic {topic!r} in {language}")
            saved = FaqAnswer(topic, language, text, latest.version + 1, author, self.now_ms())
            try:
                async with self.engine.begin() as conn:
                    await conn.execute(insert(faq_answers).values(
                        topic=topic, language=language, text=text, version=saved.version, author=author,
                        created_at=saved.created_at))  # fmt: skip
            except IntegrityError:
                continue
            except SQLAlchemyError as err:
                raise KnowledgeError("faq-store-failed", f"cannot save the FAQ answer: {err}") from err
            log.info("FAQ answer %s/%s version %d saved by %s", topic, language, saved.version, author)
            return saved
        raise KnowledgeError("faq-save-conflict", f"{topic}/{language} is being edited by someone else; try again")

    async def restore(self, topic: str, language: str, version: int, author: str) -> FaqAnswer:
        """Save version ``version``'s text again as the newest version (by ``author``) and return it."""
        query = select(faq_answers).where(faq_answers.c.topic == topic, faq_answers.c.language == language,
                                          faq_answers.c.version == version)  # fmt: skip
        rows = await self._rows(query)
        if not rows:
            raise KnowledgeError("faq-unknown-version", f"{topic}/{language} has no version {version}")
        return await self.save(topic, language, _answer(rows[0]).text, author)

    async def _rows(self, query: object) -> list[Row[tuple[object, ...]]]:
        try:
            async with self.engine.connect() as conn:
                return list((await conn.execute(query)).fetchall())  # type: ignore[call-overload]
        except SQLAlchemyError as err:
            raise KnowledgeError("faq-store-failed", f"cannot read FAQ answers: {err}") from err


async def seeded_answers(engine: AsyncEngine, now_ms: Callable[[], int], faq_file: Path = FAQ_FILE) -> FaqAnswers:
    """Return the knowledge base on a migrated database, seeded from ``faq_file`` where a topic has no answer."""
    answers = FaqAnswers(engine, now_ms)
    await answers.seed(file_answers(faq_file))
    return answers
