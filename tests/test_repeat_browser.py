"""A follow-up (重复件) in real headless Chromium: a repeat caller's call files it, the agent opening it sees the
link to the earlier ticket with that ticket's history, and the earlier ticket lists its follow-up."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from dialogue.base import FileTicket, Hangup
from tests.handoff_support import draft
from tests.test_console_browser import browser, log_in, settled_wait
from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.call.session import Engines
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.store import SqlTicketStore
from voicebot.handoff.ticket import spoken_groups
from voicebot.lines.file_line import CallerTurn
from voicebot.settings import HandoffSettings, SessionSettings, Settings

from .fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth, say, tone

pytestmark = [pytest.mark.real, pytest.mark.slow]
__all__ = ["browser"]  # the Chromium fixture


async def repeat_call(store: SqlTicketStore) -> str:
    """A caller with an open ticket says it is the same problem again; return the follow-up's number."""
    dialogue = ScriptedDialogue([say(directives=[FileTicket({"description": "垃圾又堆起来了"})]),
                                 say("再见", directives=[Hangup()])])  # fmt: skip
    recognizer = ScriptedRecognizer(["还是那个问题", "垃圾又堆起来了 还是小区门口", "再见"])
    engines = Engines({"zh-CN": recognizer}, ToneSynth(), dialogue, store, EnergyVad)
    info = dataclasses.replace(file_line_info(lang="zh-CN"), calling_number="+86 139 0013 9000")
    turns = [CallerTurn(tone(800)), CallerTurn(tone(900)), CallerTurn(tone(600))]
    call = await run_file_call(turns, engines, SessionSettings(), info)
    ticket = await store.get_by_call(call.record.call_id)
    assert ticket is not None
    return ticket.number


async def test_the_agent_sees_the_follow_up_link_and_the_earlier_tickets_history(
    browser: webdriver.Chrome, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'console.db'}"
    store = SqlTicketStore.from_url(db_url)
    await store.migrate()
    await AuthStore(store).add_agent("wang.fang", "correct horse battery", "agent")
    original = await store.save(draft(call_id="first-call", kind="complaint", calling_number="13900139000",
                                      fields={"description": "小区门口垃圾堆放无人清理"}))  # fmt: skip
    queue = HandoffQueue(store, AgentHours.parse("always"))
    await queue.enqueue(original)
    await queue.claim(original, "li.lei")
    followup = await repeat_call(store)
    app = create_console_app(store, Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always")))
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    base = str(server.make_url(""))

    def drive() -> None:
        wait = settled_wait(browser)
        log_in(browser, base, "en-US")
        browser.get(f"{base}/console/tickets/{followup}")
        link = wait.until(ec.presence_of_element_located((By.ID, "repeat-link")))
        assert link.text == spoken_groups(original)
        assert "Follow-up (重复件) of ticket" in browser.find_element(By.ID, "repeat-of").text
        history = browser.find_element(By.ID, "repeat-history").text
        assert "li.lei" in history and "Claimed" in history and "Queued" in history
        assert "小区门口垃圾堆放无人清理" in browser.find_element(By.ID, "repeat").text
        browser.save_screenshot(str(tmp_path / "followup.png"))
        link.click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "ticket-number"), spoken_groups(original)))
        assert spoken_groups(followup) in browser.find_element(By.ID, "repeats").text

    try:
        await asyncio.to_thread(drive)
        assert (tmp_path / "followup.png").stat().st_size > 10_000
    finally:
        await server.close()
        await store.close()
