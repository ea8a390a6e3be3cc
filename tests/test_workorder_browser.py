"""The work order in real headless Chromium: an agent changes the department and the history shows who did it."""

from __future__ import annotations

import asyncio
import os
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
from tests.test_console_browser import DOCS, browser, log_in, settled_wait
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.base import TranscriptLine
from voicebot.handoff.console import create_console_app
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
    "description": "楼上邻居每天晚上十一点还在装修，家里有小孩睡不着",
    "callback_phone": "13812345678",
}


async def test_agent_changes_the_department_and_history_shows_it(browser: webdriver.Chrome, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'console.db'}"
    store = SqlTicketStore.from_url(db_url)
    await store.migrate()
    await AuthStore(store).add_agent("wang.fang", "correct horse battery", "agent")
    book = load_book(WorkOrderSettings())
    started = int(time.time() * 1000) - 60_000
    number = await store.save(draft(
        call_id="wo-call", kind="complaint", fields=FIELDS, started_at_ms=started,
        work_order=build_work_order(book, FIELDS, started),
        transcript=(TranscriptLine(0, "bot", "您好，这里是12345市民服务热线。"),
                    TranscriptLine(2500, "caller", FIELDS["description"])),
    ))  # fmt: skip
    app = create_console_app(store, Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always")))
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    base = str(server.make_url(""))
    shot = tmp_path / "console-workorder.png"

    def drive() -> tuple[str, str]:
        wait = settled_wait(browser)
        log_in(browser, base)
        browser.get(f"{base}/console/tickets/{number}")
        department = Select(wait.until(ec.presence_of_element_located((By.ID, "wo-department"))))
        suggested = department.first_selected_option.get_attribute("value") or ""
        # the work order in words: 诉求类型, category, sub-category, urgency raised by the child cue
        assert Select(browser.find_element(By.ID, "wo-category")).first_selected_option.text == "生态环境"
        assert Select(browser.find_element(By.ID, "wo-subcategory")).first_selected_option.text == "社会生活噪声"
        assert Select(browser.find_element(By.ID, "wo-urgency")).first_selected_option.text == "紧急"
        assert Select(browser.find_element(By.ID, "wo-district")).first_selected_option.text == "朝阳区"
        assert browser.find_element(By.ID, "wo-community").get_attribute("value") == "幸福二村社区"
        department.select_by_value("朝阳区生态环境局")
        browser.find_element(By.ID, "save-work-order").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "changes"), "朝阳区生态环境局"))
        browser.set_window_size(1400, 1500)  # the work order and its change history in one picture
        browser.execute_script("document.getElementById('work-order').scrollIntoView()")
        browser.save_screenshot(str(shot))
        chosen = Select(browser.find_element(By.ID, "wo-department")).first_selected_option.get_attribute("value")
        return suggested, browser.find_element(By.ID, "changes").text + "\n" + str(chosen)

    try:
        suggested, seen = await asyncio.to_thread(drive)
        assert suggested == "三里屯街道办事处"
        assert "wang.fang 修改了承办单位：三里屯街道办事处 → 朝阳区生态环境局" in seen  # zh-CN: the default
        assert seen.endswith("朝阳区生态环境局")  # the page shows the new department selected
        t = await store.get(number)
        assert t is not None and t.work_order is not None
        assert t.work_order.department == "朝阳区生态环境局" and t.work_order.suggested_department == suggested
        assert [(c.field, c.actor) for c in t.changes] == [("department", "wang.fang")]
        assert shot.stat().st_size > 10_000
        if os.environ.get("VOICEBOT_UPDATE_SCREENSHOT"):
            shutil.copy(shot, DOCS / "console-workorder.png")
    finally:
        await server.close()
        await store.close()
