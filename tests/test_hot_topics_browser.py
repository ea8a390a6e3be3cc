"""The hot-topics page in real headless Chromium: a supervisor sees the spike and the SVG charts in Chinese."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests.handoff_support import ManualNow
from tests.hot_support import seed_background, seed_month
from tests.test_console_browser import DOCS, browser, log_in, settled_wait
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings, Settings, WorkOrderSettings
from voicebot.workorder.book import load_book

pytestmark = [pytest.mark.real, pytest.mark.slow]
__all__ = ["browser"]  # the Chromium fixture


async def test_supervisor_sees_spikes_and_charts_in_chinese(browser: webdriver.Chrome, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'hot.db'}"
    now = ManualNow()
    store = SqlTicketStore.from_url(db_url, now_ms=now)
    await store.migrate()
    book = load_book(WorkOrderSettings())
    await seed_month(store, now, book)
    await seed_background(store, now, book)
    await AuthStore(store).add_agent("wang.fang", "correct horse battery", "supervisor")
    settings = Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always", timezone="Asia/Shanghai"))
    server = TestServer(create_console_app(store, settings), host="127.0.0.1", port=0)
    await server.start_server()
    base = str(server.make_url(""))
    shot = tmp_path / "console-hot-topics-zh.png"

    def drive() -> list[str]:
        wait = settled_wait(browser)
        log_in(browser, base)
        browser.find_element(By.ID, "nav-hot-topics").click()
        main = wait.until(ec.presence_of_element_located((By.ID, "spike-summary")))
        assert browser.find_element(By.TAG_NAME, "h1").text == "热点诉求"
        summary = main.text
        assert "生态环境" in summary and "朝阳区" in summary and "办公时间" in summary, summary
        charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
        assert len(charts) == 5
        for chart in charts:  # drawn: each chart has a real size on the page
            assert chart.size["width"] > 300 and chart.size["height"] > 60, chart.size
        heat = browser.find_element(By.ID, "chart-heatmap")
        labels = {t.text for t in heat.find_elements(By.TAG_NAME, "text")}
        assert {"生态环境", "城市管理", "朝阳区", "海淀区", "丰台区"} <= labels, labels
        bars = browser.find_element(By.ID, "chart-districts")
        spike_bars = bars.find_elements(By.CSS_SELECTOR, 'rect[fill="#c62828"]')
        assert len(spike_bars) == 1  # only 朝阳区 is a spike today
        row = browser.find_element(By.CSS_SELECTOR, 'tr[data-dimension="topic"][data-key="office_hours"]')
        assert row.get_attribute("data-flagged") == "true" and "7" in row.text
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1400, int(height) + 140)
        browser.save_screenshot(str(shot))
        href = browser.find_element(By.ID, "hot-csv").get_attribute("href")
        assert href is not None and href.endswith("/console/hot-topics.csv")
        return [str(e["message"]) for e in browser.get_log("browser")]

    try:
        console_log = await asyncio.to_thread(drive)
        assert not [line for line in console_log if "Content Security Policy" in line], console_log
        assert shot.stat().st_size > 30_000
        if os.environ.get("VOICEBOT_UPDATE_SCREENSHOT"):
            shutil.copy(shot, DOCS / shot.name)
    finally:
        await server.close()
        await store.close()
