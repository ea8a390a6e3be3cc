"""The console's 回访 list in real headless Chromium: resolving a ticket queues its follow-up call, a busy attempt
shows when the next one is, in Chinese and in English."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests.fakes import FakeTrunk, ToneSynth
from tests.handoff_support import draft
from tests.test_console_browser import browser, log_in, settled_wait, switch_language  # noqa: F401  (fixture)
from voicebot.followup.book import FollowupBook
from voicebot.followup.rules import Policy
from voicebot.followup.scheduler import FollowupScheduler
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import FollowupSettings, HandoffSettings, SessionSettings, Settings

pytestmark = [pytest.mark.real, pytest.mark.slow]


async def test_resolving_queues_a_followup_the_console_lists(browser: webdriver.Chrome,  # noqa: F811
                                                             tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'console.db'}"
    store = SqlTicketStore.from_url(db_url)
    await store.migrate()
    await AuthStore(store).add_agent("wang.fang", "correct horse battery", "agent")
    number = await store.save(draft(call_id="lamp", kind="complaint", calling_number="13600001111"))
    settings = Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always"),
                        followup=FollowupSettings(enabled=True))
    app = create_console_app(store, settings)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    base = str(server.make_url(""))
    loop = asyncio.get_running_loop()
    trunk = FakeTrunk(486)
    scheduler = FollowupScheduler(FollowupBook(store), Policy(AgentHours.parse("always")),
                                  FollowupSettings(enabled=True), trunk, ToneSynth(), SessionSettings())

    def busy_attempt() -> list[str]:
        return asyncio.run_coroutine_threadsafe(scheduler.run_once(datetime.now().astimezone()), loop).result(10)

    def drive() -> tuple[str, str, list[str]]:
        wait = settled_wait(browser)
        log_in(browser, base)
        browser.get(f"{base}/console/tickets/{number}")
        wait.until(ec.presence_of_element_located((By.ID, "claim"))).click()
        wait.until(ec.presence_of_element_located((By.ID, "resolve-note"))).send_keys("路灯已修复")
        browser.find_element(By.ID, "resolve").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "ticket-status"), "已办结"))
        browser.find_element(By.ID, "nav-followups").click()
        row = (By.ID, f"followup-{number}")
        wait.until(ec.presence_of_element_located(row))
        zh_before = browser.find_element(*row).text
        assert "待回访" in browser.find_element(By.TAG_NAME, "h1").text
        outcomes = busy_attempt()
        switch_language(browser, "en-US")
        wait.until(ec.presence_of_element_located(row))
        en_after = browser.find_element(*row).text
        assert browser.find_element(By.TAG_NAME, "h1").text == "Pending follow-up calls"
        return zh_before, en_after, outcomes

    try:
        zh_before, en_after, outcomes = await asyncio.to_thread(drive)
    finally:
        await server.close()
    try:
        assert outcomes == ["busy"] and trunk.dialled == ["13600001111"]
        assert number in zh_before and "等待" in zh_before and " 0 " in f" {zh_before} "
        assert number in en_after and "Waiting" in en_after and "Busy" in en_after and " 1 " in f" {en_after} "
        assert "13600001111" not in en_after  # no phone numbers on the list
        row = await FollowupBook(store).get(number)
        assert row is not None and row.status == "pending" and row.result == "busy"
        assert row.next_at - store.now_ms() > 29 * 60_000  # retry_delay_s = 30 min
    finally:
        await store.close()
