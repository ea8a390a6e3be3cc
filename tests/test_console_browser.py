"""The agent console in real headless Chromium: log in, see a ticket arrive live, claim and resolve it."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.handoff_support import draft
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.base import TranscriptLine
from voicebot.handoff.console import create_console_app
from voicebot.handoff.guard import CONSOLE
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings, Settings


def settled_wait(browser: webdriver.Chrome) -> WebDriverWait:
    """Wait up to 10 s, retrying while a form post reloads the page under the lookup (stale node errors)."""
    return WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,))


def click(browser: webdriver.Chrome, css: str) -> None:
    """Click an element of the live queue, again if a push re-rendered the rows under it (stale element)."""

    def attempt(driver: webdriver.Chrome) -> bool:
        driver.find_element(By.CSS_SELECTOR, css).click()
        return True

    settled_wait(browser).until(attempt)


def row_text(browser: webdriver.Chrome, number: str, having: str) -> str:
    """Return the live queue row of ticket ``number`` once it shows ``having``."""
    row = (By.CSS_SELECTOR, f'tr[data-number="{number}"]')
    settled_wait(browser).until(lambda d: having in d.find_element(*row).text)
    return str(browser.find_element(*row).text)


def log_in(browser: webdriver.Chrome, base: str, lang: str | None = None) -> None:
    """Log in as the test user and wait until the live queue is connected (``lang``: then switch to it)."""
    wait = settled_wait(browser)
    browser.get(base + "/console/")
    wait.until(ec.presence_of_element_located((By.ID, "username"))).send_keys("wang.fang")
    browser.find_element(By.ID, "password").send_keys("correct horse battery")
    browser.find_element(By.ID, "login").click()
    wait.until(lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "open")
    if lang is not None:
        switch_language(browser, lang)
        wait.until(lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "open")


def switch_language(browser: webdriver.Chrome, lang: str) -> None:
    """Press the header's language button and wait for the page to come back in ``lang``."""
    browser.find_element(By.ID, f"lang-{lang}").click()
    settled_wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang)


pytestmark = [pytest.mark.real, pytest.mark.slow]

DOCS = Path(__file__).resolve().parents[1] / "docs"
CHROMIUM = os.environ.get("VOICEBOT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("VOICEBOT_CHROMEDRIVER", "/usr/bin/chromedriver")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,900",
                 "--lang=zh-CN", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def _call_draft(call_id: str) -> Any:
    return draft(
        call_id=call_id,
        calling_number="13812345678",
        transcript=(
            TranscriptLine(0, "bot", "您好，这里是12345市民服务热线，请问有什么可以帮您？"),
            TranscriptLine(3200, "caller", "我要投诉，楼下工地每天晚上十一点还在施工，太吵了。"),
            TranscriptLine(7400, "bot", "好的，请问具体地址是哪里？"),
            TranscriptLine(9800, "caller", "朝阳区建国路88号，我的身份证号是110105199001011234。"),
            TranscriptLine(15200, "bot", "我帮您转接人工客服，请稍候。您目前排在第1位。"),
        ),
        recording_ref=None,
        started_at_ms=int(time.time() * 1000) - 16_000,
    )


async def test_login_live_ticket_claim_resolve(browser: webdriver.Chrome, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'console.db'}"
    store = SqlTicketStore.from_url(db_url)
    await store.migrate()
    await AuthStore(store).add_agent("wang.fang", "correct horse battery", "supervisor")
    older = await store.save(draft(call_id="earlier", kind="complaint", calling_number="13600001111",
                                   fields={"description": "小区路灯坏了三天"}))
    app = create_console_app(store, Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always")))
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    loop = asyncio.get_running_loop()
    base = str(server.make_url(""))
    shot = tmp_path / "console.png"

    def call_arrives() -> str:
        async def save() -> str:
            n = await store.save(_call_draft("browser-call"))  # exactly what a call session does
            await app[CONSOLE].queue.enqueue(n)
            return n

        return asyncio.run_coroutine_threadsafe(save(), loop).result(10)

    def drive() -> str:
        wait = settled_wait(browser)
        log_in(browser, base, "en-US")
        assert older in browser.page_source
        number = call_arrives()
        text = row_text(browser, number, "Queued")  # pushed over the WebSocket, no reload
        assert "138******78" in text and "13812345678" not in browser.page_source
        assert browser.find_element(By.ID, "stat-queue_length").text == "1"
        browser.save_screenshot(str(shot))
        click(browser, f'tr[data-number="{number}"] a')
        wait.until(ec.presence_of_element_located((By.ID, "claim"))).click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "ticket-status"), "Claimed"))
        page = browser.page_source
        assert "13812345678" in page and "110105199001011234" in page  # full values only in the opened ticket
        browser.save_screenshot(str(tmp_path / "ticket.png"))
        browser.find_element(By.ID, "resolve-note").send_keys("已联系城管，施工时间调整到22点前")
        browser.find_element(By.ID, "resolve").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "ticket-status"), "Resolved"))
        return number

    try:
        number = await asyncio.to_thread(drive)
        t = await store.get(number)
        assert t is not None and t.status == "resolved" and t.claimed_by == "wang.fang"
        assert t.history[-1].note == "已联系城管，施工时间调整到22点前"
        assert shot.stat().st_size > 10_000
    finally:
        await server.close()
        await store.close()


@pytest.mark.rasa
async def test_ticket_from_a_cli_call_arrives_live(browser: webdriver.Chrome, tmp_path: Path) -> None:
    """Run ``voicebot call`` in its own process (Rasa zh-CN must be up) while an agent watches the console."""
    db_url = f"sqlite:///{tmp_path / 'console.db'}"
    store = SqlTicketStore.from_url(db_url)
    await store.migrate()
    await AuthStore(store).add_agent("wang.fang", "correct horse battery", "supervisor")
    settings = Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always"))
    server = TestServer(create_console_app(store, settings, poll_interval_s=0.5), host="127.0.0.1", port=0)
    await server.start_server()
    base = str(server.make_url(""))
    turns = tmp_path / "turns.txt"
    turns.write_text("我要投诉楼下工地晚上施工太吵了\n转人工\n", encoding="utf-8")
    env = {**os.environ, "VOICEBOT_HANDOFF__DATABASE_URL": db_url, "VOICEBOT_HANDOFF__AGENT_HOURS": "always"}
    cmd = [sys.executable, "-m", "voicebot.cli", "call", "--transcripts", str(turns), "--lang", "zh-CN",
           "--calling-number", "13812345678", "--out", str(tmp_path / "bot.wav")]

    def claim_and_resolve(number: str, call_output: str) -> None:
        try:
            steps(number)
        except TimeoutException as err:  # say what the agent saw, and what the call printed
            body = browser.find_element(By.TAG_NAME, "body").text[:3000]
            raise AssertionError(f"console stuck at {browser.current_url}:\n{body}\n--- call:\n{call_output}") from err

    def steps(number: str) -> None:
        wait = settled_wait(browser)
        row_text(browser, number, "138******78")  # arrived through the poller: another process saved it
        browser.save_screenshot(str(tmp_path / "console.png"))
        click(browser, f'tr[data-number="{number}"] a')
        wait.until(ec.presence_of_element_located((By.ID, "claim"))).click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "ticket-status"), "Claimed"))
        assert "我要投诉楼下工地晚上施工太吵了" in browser.page_source and "13812345678" in browser.page_source
        browser.save_screenshot(str(tmp_path / "ticket.png"))
        browser.find_element(By.ID, "resolve-note").send_keys("已回电，城管已处理")
        browser.find_element(By.ID, "resolve").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "ticket-status"), "Resolved"))

    try:
        await asyncio.to_thread(log_in, browser, base, "en-US")
        proc = await asyncio.create_subprocess_exec(*cmd, env=env, cwd=str(tmp_path), stdout=subprocess.PIPE,
                                                    stderr=subprocess.STDOUT)
        out, _ = await asyncio.wait_for(proc.communicate(), 240)
        text = out.decode()
        assert proc.returncode == 0, text
        match = re.search(r"tickets: (\d{8})", text)
        assert match, text
        number = match.group(1)
        await asyncio.to_thread(claim_and_resolve, number, text)
        t = await store.get(number)
        assert t is not None and t.status == "resolved" and t.calling_number == "13812345678"
        assert any(line.text == "转人工" for line in t.transcript)
        if os.environ.get("VOICEBOT_UPDATE_SCREENSHOT"):
            shutil.copy(tmp_path / "console.png", DOCS / "console.png")
            shutil.copy(tmp_path / "ticket.png", DOCS / "console-ticket.png")
    finally:
        await server.close()
        await store.close()
