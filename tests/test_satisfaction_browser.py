"""A call rated at its end shows in the supervisor's figure of today's satisfaction, in real headless Chromium."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.test_console_browser import browser, log_in, settled_wait, switch_language
from tests.test_satisfaction import BYE, FAQ, call, speech
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings, Settings

pytestmark = [pytest.mark.real, pytest.mark.slow]
__all__ = ["browser"]  # the Chromium fixture


async def test_the_supervisor_sees_todays_rate_after_rated_calls(browser: webdriver.Chrome, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'console.db'}"
    store = SqlTicketStore.from_url(db_url)
    await store.migrate()
    await AuthStore(store).add_agent("wang.fang", "correct horse battery", "supervisor")
    for answer in ("满意", "不满意"):  # two real calls: an FAQ answered, goodbye, then the caller's rating
        texts = ["你们几点上班", "好的 再见", answer]
        record, _ = await call(speech(texts), texts, [FAQ, BYE], store)
        assert record.outcome == "resolved"
    app = create_console_app(store, Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always")))
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    base = str(server.make_url(""))

    def figure() -> str:
        cell = (By.ID, "sup-satisfaction_today")
        settled_wait(browser).until(lambda d: d.find_element(*cell).text)
        return str(browser.find_element(*cell).text)

    def drive() -> tuple[str, str]:
        log_in(browser, base)
        browser.get(base + "/console/supervisor")
        chinese = figure()
        assert "今日满意率" in browser.page_source
        switch_language(browser, "en-US")
        return chinese, figure()

    try:
        chinese, english = await asyncio.to_thread(drive)
        assert chinese == "50%（1/2）" and english == "50% (1/2)"
        browser.save_screenshot(str(tmp_path / "supervisor.png"))
        assert (tmp_path / "supervisor.png").stat().st_size > 5_000
    finally:
        await server.close()
        await store.close()
