"""The console in the agent's language, in real headless Chromium: zh-CN by default, en-US per agent, counters."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from tests.handoff_support import draft
from tests.test_console_browser import DOCS, browser, log_in, row_text, settled_wait, switch_language
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.base import TranscriptLine
from voicebot.handoff.console import create_console_app
from voicebot.handoff.guard import CONSOLE
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings, Settings, WorkOrderSettings
from voicebot.workorder.book import load_book
from voicebot.workorder.builder import build_work_order

pytestmark = [pytest.mark.real, pytest.mark.slow]
__all__ = ["browser"]  # the Chromium fixture

FIELDS = {
    "request_type": "complaint",
    "complaint_category": "noise",
    "location": "朝阳区三里屯幸福二村5号楼",
    "incident_time": "每天晚上十一点以后",
    "description": "楼上邻居每天晚上十一点还在装修，家里有小孩睡不着",
    "callback_phone": "13812345678",
    "confidential": False,
}


def seconds(text: str) -> int:
    """Return a waiting time as the page writes it (``1 分 05 秒``, ``42 秒``, ``1 min 05 s``) in seconds."""
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    assert numbers, text
    return numbers[0] * 60 + numbers[1] if len(numbers) == 2 else numbers[0]


def wait_cell(browser: webdriver.Chrome, number: str) -> str:
    """Return the waiting time shown in ticket ``number``'s row."""
    return str(browser.find_element(By.CSS_SELECTOR, f'tr[data-number="{number}"] td.wait').text)


async def test_console_in_chinese_then_english_with_live_counters(browser: webdriver.Chrome, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'console.db'}"
    store = SqlTicketStore.from_url(db_url)
    await store.migrate()
    auth = AuthStore(store)
    await auth.add_agent("wang.fang", "correct horse battery", "supervisor")
    book = load_book(WorkOrderSettings())
    started = int(time.time() * 1000) - 75_000
    app = create_console_app(store, Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always")))
    number = await store.save(draft(
        call_id="zh-call", kind="complaint", fields=FIELDS, started_at_ms=started, calling_number="13812345678",
        work_order=build_work_order(book, FIELDS, started),
        transcript=(TranscriptLine(0, "bot", "您好，这里是12345市民服务热线，请问有什么可以帮您？"),
                    TranscriptLine(2500, "caller", FIELDS["description"]),
                    TranscriptLine(6100, "bot", "我帮您转接人工客服，请稍候。")),
    ))  # fmt: skip
    await app[CONSOLE].queue.enqueue(number)
    older = await store.save(draft(call_id="older", kind="handoff", calling_number="13600001111",
                                   fields={"description": "小区路灯坏了三天"}))  # fmt: skip
    await app[CONSOLE].queue.enqueue(older)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    base = str(server.make_url(""))
    shots = {name: tmp_path / name for name in ("console-zh.png", "console-ticket-zh.png", "console-supervisor-zh.png")}

    def drive() -> list[str]:
        wait = settled_wait(browser)
        log_in(browser, base)  # no choice made yet: Chinese
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
        row = row_text(browser, number, "排队中")
        assert "投诉" in row and "138******78" in row and "13812345678" not in browser.page_source
        assert "退出登录" in browser.find_element(By.TAG_NAME, "header").text
        first = seconds(wait_cell(browser, number))
        longest = seconds(browser.find_element(By.ID, "stat-longest_wait").text)
        time.sleep(2.1)  # no ticket changes meanwhile (so no push): the page counts by itself
        wait.until(lambda d: seconds(wait_cell(d, number)) >= first + 2)  # polled: a loaded machine may lag a tick
        wait.until(lambda d: seconds(d.find_element(By.ID, "stat-longest_wait").text) >= longest + 2)
        assert "秒" in wait_cell(browser, number)
        browser.save_screenshot(str(shots["console-zh.png"]))

        browser.get(f"{base}/console/tickets/{number}")
        form = wait.until(ec.presence_of_element_located((By.ID, "edit-form"))).text
        for label in ("诉求类型", "类别", "地址", "发生时间", "情况描述", "回电号码", "是否保密"):
            assert label in form, label
        assert "complaint_category" not in form and "confidential" not in form
        assert Select(browser.find_element(By.ID, "field_complaint_category")).first_selected_option.text == "噪音"
        assert Select(browser.find_element(By.ID, "field_confidential")).first_selected_option.text == "否"
        assert Select(browser.find_element(By.ID, "field_request_type")).first_selected_option.text == "投诉"
        assert browser.find_element(By.ID, "ticket-status").text == "排队中"
        facts = browser.find_element(By.ID, "ticket-facts").text
        assert "13812345678" in facts and "投诉" in facts
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1400, int(height) + 140)  # the whole ticket, complaint form included
        browser.save_screenshot(str(shots["console-ticket-zh.png"]))
        Select(browser.find_element(By.ID, "field_confidential")).select_by_visible_text("是")
        browser.find_element(By.ID, "save").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "changes"), "是否保密：否 → 是"))

        browser.set_window_size(1400, 900)
        browser.get(f"{base}/console/supervisor")
        assert "今日机器人办理" in wait.until(ec.presence_of_element_located((By.TAG_NAME, "main"))).text
        browser.save_screenshot(str(shots["console-supervisor-zh.png"]))

        browser.get(f"{base}/console/")
        wait.until(lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "open")
        switch_language(browser, "en-US")
        assert "Queued" in row_text(browser, older, "Queued") and "Log out" in browser.page_source
        assert re.fullmatch(r"(\d+ min )?\d+ s", wait_cell(browser, older)), wait_cell(browser, older)
        browser.find_element(By.ID, "logout").click()  # the choice is the agent's: it comes back after a login
        log_in(browser, base)
        row_text(browser, older, "Queued")
        browser.get(f"{base}/console/tickets/{number}")
        assert "Confidential" in wait.until(ec.presence_of_element_located((By.ID, "edit-form"))).text
        return [str(e["message"]) for e in browser.get_log("browser")]

    try:
        console_log = await asyncio.to_thread(drive)
        assert not [line for line in console_log if "Content Security Policy" in line], console_log
        assert [(a.username, a.language) for a in await auth.list_agents()] == [("wang.fang", "en-US")]
        t = await store.get(number)
        assert t is not None and t.fields["confidential"] is True  # the yes/no choice stored as the bot stores it
        for shot in shots.values():
            assert shot.stat().st_size > 10_000
        if os.environ.get("VOICEBOT_UPDATE_SCREENSHOT"):
            for name, shot in shots.items():
                shutil.copy(shot, DOCS / name)
    finally:
        await server.close()
        await store.close()
