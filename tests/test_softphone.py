"""The browser softphone in real headless Chromium with a fake microphone playing a real recording."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

import aiohttp
import pytest

from tests.telephony_helpers import SPEECH, ScriptedBot, running, test_settings
from voicebot.audio import read_wav, write_wav

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DOCS = Path(__file__).resolve().parents[1] / "docs"


async def test_softphone_page_is_served() -> None:
    async with running(test_settings(), ScriptedBot()) as (_, port), aiohttp.ClientSession() as http:
        page = await http.get(f"http://127.0.0.1:{port}/softphone?token=x")
        assert page.status == 200 and "softphone.js" in await page.text()
        script = await http.get(f"http://127.0.0.1:{port}/softphone/softphone.js")
        assert script.status == 200 and "getUserMedia" in await script.text()
        assert (await http.get(f"http://127.0.0.1:{port}/softphone/..%2Fsip.py")).status == 404


def _has_emoji(text: str) -> bool:
    return any(0x1F000 <= ord(c) <= 0x1FAFF or 0x2600 <= ord(c) <= 0x27BF for c in text)


async def test_softphone_page_in_the_visitors_language_without_emoji() -> None:
    async with running(test_settings(), ScriptedBot()) as (_, port), aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{port}/softphone"
        default = await (await http.get(url)).text()
        assert '<html lang="zh-CN">' in default and "浏览器电话" in default and "挂断" in default
        assert 'data-t-connected="已接通"' in default and '<option value="zh-CN" selected>' in default
        by_header = await (await http.get(url, headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"})).text()
        assert '<html lang="en-US">' in by_header and "Hang up" in by_header
        by_query = await (await http.get(url + "?lang=en-US", headers={"Accept-Language": "zh-CN"})).text()
        assert '<option value="en-US" selected>' in by_query and 'data-t-connected="connected"' in by_query
        assert "<svg" in default  # icons drawn, not emoji (agents' desktops often have no colour-emoji font)
        for page in (default, by_header, await (await http.get(url + "/softphone.js")).text(),
                     await (await http.get(url + "/softphone.css")).text()):
            assert not _has_emoji(page)


@pytest.mark.real
async def test_softphone_call_in_headless_chromium(tmp_path: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    assert shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)
    clip = read_wav(SPEECH / "en" / "rhasspy3_turn_on_the_lamp.wav", 16000)
    microphone = tmp_path / "caller.wav"
    write_wav(microphone, clip.pcm + b"\x00" * 32000 * 2, 16000)  # speech, then 2 s of silence (looped)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream",
                 "--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={microphone}",
                 "--autoplay-policy=no-user-gesture-required", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    bot = ScriptedBot(reply_ms=600)
    async with running(test_settings(development=True), bot) as (_, port):  # a page-load softphone token
        driver = await asyncio.to_thread(webdriver.Chrome, options=options, service=Service(CHROMEDRIVER))
        try:
            await asyncio.to_thread(driver.get, f"http://127.0.0.1:{port}/softphone?lang=en-US")
            await asyncio.to_thread(lambda: driver.find_element(By.ID, "call").click())
            bot_lines: list[str] = []
            received = 0
            for _ in range(150):  # up to 15 s
                await asyncio.sleep(0.1)
                bot_lines = await asyncio.to_thread(
                    lambda: [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#log .bot")])
                received = int(await asyncio.to_thread(lambda: driver.find_element(By.ID, "received").text))
                if bot_lines and received >= 600 * 32:
                    break
            status = await asyncio.to_thread(lambda: driver.find_element(By.ID, "status").text)
            assert status == "connected"
            assert bot_lines and "beep" in bot_lines[0]
            assert received >= 600 * 32  # the whole 600 ms reply at 16 kHz reached the page
            await asyncio.to_thread(lambda: driver.find_element(By.ID, "hangup").click())
            for _ in range(50):
                if bot.records:
                    break
                await asyncio.sleep(0.1)
        finally:
            await asyncio.to_thread(driver.quit)
    line = bot.lines[0]
    assert line.info.protocol == "websocket" and line.info.rate == 16000 and line.info.lang == "en-US"
    assert bot.loud_frames[line.info.call_id] >= 30  # the recording arrived as speech
    assert bot.records and bot.records[0].info["calling"] == "softphone"


@pytest.mark.real
async def test_softphone_in_chinese_in_headless_chromium(tmp_path: Path) -> None:
    """A Chinese browser gets the Chinese page; the script's words (a refused call) are Chinese too."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--accept-lang=zh-CN,zh", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 "--window-size=900,700", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    shot = tmp_path / "softphone-zh.png"
    async with running(test_settings(), ScriptedBot()) as (_, port):  # not development: calls need a console login

        def drive() -> tuple[str, str, str, list[str]]:
            driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
            try:
                driver.get(f"http://127.0.0.1:{port}/softphone")
                idle = driver.find_element(By.ID, "status").text
                driver.find_element(By.ID, "call").click()
                status = ""
                for _ in range(50):
                    status = driver.find_element(By.ID, "status").text
                    if status != idle:
                        break
                    time.sleep(0.1)
                driver.save_screenshot(str(shot))
                return idle, status, driver.title, [str(e["message"]) for e in driver.get_log("browser")]
            finally:
                driver.quit()

        idle, status, title, console_log = await asyncio.to_thread(drive)
    assert idle == "空闲" and "浏览器电话" in title
    assert status == "错误: 请先登录坐席工作台（/console）", status
    assert not [line for line in console_log if "Content Security Policy" in line], console_log
    if os.environ.get("VOICEBOT_UPDATE_SCREENSHOT"):
        shutil.copy(shot, DOCS / "softphone-zh.png")
