"""The knowledge base in real headless Chromium: a supervisor previews an answer with the bot's TTS, saves it as a
new version, restores the old one; the next (fake-line) call speaks what was saved."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests.fakes import ScriptedDialogue, ToneSynth
from tests.test_console_browser import DOCS, browser, log_in, settled_wait
from tests.test_knowledge_call import call_once, faq_turns
from voicebot.engines import open_synthesizer
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.store import SqlTicketStore
from voicebot.knowledge.answers import FaqAnswers
from voicebot.knowledge.dialogue import StoredAnswers
from voicebot.settings import HandoffSettings, Settings

pytestmark = [pytest.mark.real, pytest.mark.slow]
__all__ = ["browser"]

NEW = "政务服务大厅从下周一起早上八点半开门，周六上午照常办公。"


async def test_a_supervisor_previews_saves_and_restores_an_answer(browser: webdriver.Chrome, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'console.db'}"
    store = SqlTicketStore.from_url(db_url)
    await store.migrate()
    await AuthStore(store).add_agent("wang.fang", "correct horse battery", "supervisor")
    settings = Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always"))
    stack = contextlib.AsyncExitStack()
    synth = await open_synthesizer(settings, 8000, stack)
    server = TestServer(create_console_app(store, settings, synthesizer=synth), host="127.0.0.1", port=0)
    await server.start_server()
    base = str(server.make_url(""))
    shot = tmp_path / "knowledge.png"

    def drive() -> float:
        wait = settled_wait(browser)
        log_in(browser, base)
        browser.find_element(By.ID, "nav-knowledge").click()
        wait.until(ec.presence_of_element_located((By.ID, "kb-topics")))
        assert browser.find_element(By.TAG_NAME, "h1").text == "知识库"
        browser.find_element(By.CSS_SELECTOR, 'tr[data-topic="office_hours"] a').click()
        box = wait.until(ec.presence_of_element_located((By.ID, "answer")))
        box.clear()
        box.send_keys(NEW)
        browser.find_element(By.ID, "preview").click()
        wait.until(lambda d: d.find_element(By.ID, "preview-state").get_attribute("data-state") == "ready")
        duration = float(browser.execute_script("return document.getElementById('preview-audio').duration"))
        assert browser.find_element(By.ID, "preview-state").text == "正在播放"
        browser.find_element(By.ID, "save").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "kb-flash"), "已保存为第 2 版"))
        row = browser.find_element(By.CSS_SELECTOR, 'tr[data-version="2"]').text
        assert NEW in row and "wang.fang" in row and "当前版本" in row
        assert "faq.yaml（初始内容）" in browser.find_element(By.CSS_SELECTOR, 'tr[data-version="1"]').text
        browser.save_screenshot(str(shot))
        return duration

    try:
        duration = await asyncio.to_thread(drive)
        assert 2.0 < duration < 15.0  # the typed sentence, spoken: seconds of audio, not an error page
        answers = FaqAnswers(store.engine, store.now_ms)
        current = await answers.current("office_hours", "zh-CN")
        assert current is not None and (current.version, current.author, current.text) == (2, "wang.fang", NEW)
        spoken = await call_once(StoredAnswers(ScriptedDialogue(faq_turns()), answers), ToneSynth())  # type: ignore[arg-type]
        assert NEW in spoken  # the next call says it

        def restore() -> None:
            browser.find_element(By.ID, "restore-1").click()
            settled_wait(browser).until(ec.text_to_be_present_in_element((By.ID, "kb-flash"), "已保存为第 3 版"))

        await asyncio.to_thread(restore)
        history = await answers.history("office_hours", "zh-CN")
        assert [h.version for h in history] == [3, 2, 1] and history[0].text == history[2].text
        assert shot.stat().st_size > 10_000
        if os.environ.get("VOICEBOT_UPDATE_SCREENSHOT"):
            shutil.copy(shot, DOCS / "console-knowledge-zh.png")
    finally:
        await server.close()
        await stack.aclose()
        await store.close()
