"""Issue 12 in real headless Chromium: a production softphone call needs a console login; the CSP breaks nothing."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import time
from pathlib import Path

import pytest
from aiohttp import web

from tests.handoff_support import PASSWORD
from tests.telephony_helpers import SPEECH, ScriptedBot, test_settings
from voicebot.audio import read_wav, write_wav
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import setup_console
from voicebot.handoff.store import SqlTicketStore
from voicebot.server import create_app
from voicebot.settings import HandoffSettings
from voicebot.webguard.app import runner_options

pytestmark = [pytest.mark.real, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


async def test_production_softphone_calls_after_a_console_login(tmp_path: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    assert shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)
    microphone = tmp_path / "caller.wav"
    write_wav(microphone, read_wav(SPEECH / "en" / "rhasspy3_turn_on_the_lamp.wav", 16000).pcm, 16000)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream",
                 "--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={microphone}",
                 "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    store = SqlTicketStore.from_url(f"sqlite:///{tmp_path / 'tickets.db'}")
    await store.migrate()
    await AuthStore(store).add_agent("wang.fang", PASSWORD, "agent")
    settings = dataclasses.replace(test_settings(), handoff=HandoffSettings(agent_hours="always"))  # not --dev
    bot = ScriptedBot()
    app = create_app(settings, bot)
    setup_console(app, store, settings)
    runner = web.AppRunner(app, **runner_options(settings.server))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"

    def status_after_call(driver: webdriver.Chrome, wanted: str) -> str:
        driver.get(base + "/softphone?lang=en-US")
        driver.find_element(By.ID, "call").click()
        text = ""
        for _ in range(100):
            text = driver.find_element(By.ID, "status").text
            if wanted in text:
                break
            time.sleep(0.1)
        return str(text)

    def drive() -> tuple[str, str, list[str]]:
        driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        try:
            refused = status_after_call(driver, "log in")
            driver.get(base + "/console/login")
            driver.find_element(By.ID, "username").send_keys("wang.fang")
            driver.find_element(By.ID, "password").send_keys(PASSWORD)
            driver.find_element(By.ID, "login").click()
            for _ in range(100):  # let the login's redirect finish before leaving the page
                if driver.current_url.endswith("/console/"):
                    break
                time.sleep(0.1)
            connected = status_after_call(driver, "connected")
            driver.find_element(By.ID, "hangup").click()
            return refused, connected, [str(e["message"]) for e in driver.get_log("browser")]
        finally:
            driver.quit()

    try:
        refused, connected, console_log = await asyncio.to_thread(drive)
    finally:
        await runner.cleanup()
        await store.close()
    assert "log in to the agent console" in refused
    assert connected == "connected" and len(bot.lines) == 1
    assert not [line for line in console_log if "Content Security Policy" in line], console_log
