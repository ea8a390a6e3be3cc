"""Play corpus dialogues through the real call session, several at once, each with its own ticket store.

Every dialogue gets a fresh call id and a fresh SQLite ticket store (the project's ``SqlTicketStore``)
in a temporary folder; the ticket read back from that store after the call is what the report judges.
Calls run in virtual time (like ``voicebot call``) at a time agents are on duty, without the agents'
queue: a handoff ends the call with its pre-filled ticket.
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tts.base import Synthesizer
from voicebot.audio import Clip
from voicebot.call.call_runner import file_line_info
from voicebot.call.session import CallSession, Engines
from voicebot.errors import VoicebotError
from voicebot.events import CallRecord, ErrorOccurred
from voicebot.handoff.store import SqlTicketStore
from voicebot.qa.dialogue_caller import CallerScript, DialogueCaller, PlayedTurn, SpokenWordsRecognizer
from voicebot.qa.dialogue_corpus import Dialogue
from voicebot.qa.runner import ON_DUTY_FROM
from voicebot.runtime.aio import cancel_and_wait
from voicebot.runtime.clock import VirtualClock
from voicebot.settings import SessionSettings

TEMPLATE_DB = "template.sqlite"
"""A migrated empty database in ``store_dir``, copied for each dialogue (alembic migrations must not run at once)."""
Progress = Callable[["DialogueRun", int, int], None]
"""Told after each dialogue: its run, how many are done, how many in all (a progress line)."""
INFRASTRUCTURE_ERRORS = ("rasa-unreachable", "rasa-timeout", "dialogue-empty-turn")
"""Errors that mean a server was away or starved (Rasa restarting, the action server down, a machine so loaded that
Rasa did not answer within ``[dialogue]`` timeout), not that the bot misunderstood:
such a call is played again once the servers answer, and counted as a call that could not run if it fails again."""
RETRIES = 2
"""How many times a call hit by a server outage is played again."""
HEALTH_WAIT_S = 180.0
"""How long to wait for the Rasa servers to answer again before a retry."""
SPEECH_TEXT = {"zh-CN": "嗯 是这样的 我跟你说一下", "en-US": "well let me tell you about it"}
"""What the caller's speech clip says (the words the bot hears come from the dialogue, not from the clip)."""


@dataclass(frozen=True, slots=True)
class DialogueSetup:
    """What every dialogue call shares."""

    engines: Engines
    """Shared engines (dialogue client, synthesiser, VAD); recognisers, tickets and queue are replaced per call."""
    settings: SessionSettings
    """Call behaviour."""
    speech: Mapping[str, Clip]
    """Per language, the clip a speech turn plays."""
    store_dir: Path
    """Where each dialogue's SQLite ticket store goes."""
    rate: int = 8000
    """Line sample rate."""


@dataclass(frozen=True, slots=True)
class DialogueRun:
    """A played dialogue: what happened and the ticket it left."""

    dialogue: Dialogue
    """The dialogue."""
    record: CallRecord
    """The call record."""
    turns: tuple[PlayedTurn, ...]
    """The caller's turns as played."""
    ticket: dict[str, Any] | None
    """The stored ticket (``Ticket.to_json``), None when none was stored."""
    error: str | None = None
    """Why the call could not run, if it could not."""
    wall_s: float = 0.0
    """Real time the call took."""


async def speech_clips(synthesizer: Synthesizer, langs: Sequence[str], rate: int) -> dict[str, Clip]:
    """Return one speech clip per language, spoken by the bot's own synthesiser (real speech for the VAD)."""
    return {
        lang: await synthesizer.synthesize(SPEECH_TEXT.get(lang, SPEECH_TEXT["en-US"]), lang, rate) for lang in langs
    }


async def _stored_ticket(store: SqlTicketStore, call_id: str) -> dict[str, Any] | None:
    ticket = await store.get_by_call(call_id)
    return ticket.to_json(history=False) if ticket is not None else None


async def run_dialogue(dialogue: Dialogue, setup: DialogueSetup) -> DialogueRun:
    """Play one dialogue through a real ``CallSession``; engine errors become the run's ``error``."""
    began = time.perf_counter()
    call_id = f"dlg-{dialogue.id}-{uuid.uuid4().hex[:8]}"
    clock = VirtualClock(start=ON_DUTY_FROM.astimezone())
    info = file_line_info(setup.rate, dialogue.lang, call_id=call_id)
    script = CallerScript(dialogue)
    line = DialogueCaller(script, setup.speech[dialogue.lang], clock, info)
    path = setup.store_dir / f"{call_id}.db"
    template = setup.store_dir / TEMPLATE_DB
    if template.is_file():
        await asyncio.to_thread(shutil.copy, template, path)  # keeps its 0600 mode
    store = SqlTicketStore.from_url(f"sqlite:///{path}")
    record = CallRecord(call_id)
    error: str | None = None
    ticket: dict[str, Any] | None = None
    try:
        if not template.is_file():
            await store.migrate()
        engines = dataclasses.replace(
            setup.engines, recognizers={dialogue.lang: SpokenWordsRecognizer(line)}, tickets=store, queue=None
        )
        session = CallSession(line, engines, setup.settings, clock)
        line.watch(session.record)
        ticker = asyncio.create_task(clock.run(), name=f"clock-{call_id}")
        try:
            record = await session.run()
        finally:
            await cancel_and_wait(ticker)
        ticket = await _stored_ticket(store, call_id)
        outages = [e for e in record.of(ErrorOccurred) if e.code in INFRASTRUCTURE_ERRORS]
        if outages:
            error = f"{outages[0].code}: {outages[0].message}"
    except VoicebotError as err:
        error = f"{err.code}: {err.message}"
    finally:
        await store.close()
    return DialogueRun(dialogue, record, tuple(script.played), ticket, error, time.perf_counter() - began)


async def prepare_template(store_dir: Path) -> None:
    """Create the migrated empty database every dialogue's store starts from."""
    template = store_dir / TEMPLATE_DB
    if template.is_file():
        return
    store = SqlTicketStore.from_url(f"sqlite:///{template}")
    try:
        await store.migrate()
    finally:
        await store.close()


async def _wait_healthy(setup: DialogueSetup, lang: str) -> None:
    """Wait until the language's Rasa server answers again (engines without a health check: a short pause)."""
    health = getattr(setup.engines.dialogue, "health", None)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HEALTH_WAIT_S
    while health is not None and loop.time() < deadline:
        if (await health()).get(lang, False):
            break
        await asyncio.sleep(2.0)
    await asyncio.sleep(3.0)  # the action server restarts beside it


async def run_dialogues(
    dialogues: Sequence[Dialogue], setup: DialogueSetup, concurrency: int = 4, progress: Progress | None = None
) -> list[DialogueRun]:
    """Play every dialogue, at most ``concurrency`` at once; results come back in corpus order."""
    await prepare_template(setup.store_dir)
    gate = asyncio.Semaphore(max(1, concurrency))
    done = 0

    async def one(dialogue: Dialogue) -> DialogueRun:
        nonlocal done
        async with gate:
            run = await run_dialogue(dialogue, setup)
            for _ in range(RETRIES):
                if run.error is None:
                    break
                await _wait_healthy(setup, dialogue.lang)
                run = await run_dialogue(dialogue, setup)
        done += 1
        if progress is not None:
            progress(run, done, len(dialogues))
        return run

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(d), name=f"dialogue-{d.id}") for d in dialogues]
    return [t.result() for t in tasks]
