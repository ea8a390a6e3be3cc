"""The console's player in real headless Chromium: a served call's recording loads, and seeking uses ranges."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests.handoff_support import draft
from tests.test_console_browser import browser, log_in, settled_wait
from tests.test_recording_console import record_call
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings, Settings

pytestmark = [pytest.mark.real, pytest.mark.slow]

__all__ = ["browser"]  # the Chromium fixture

PLAY = """
const done = arguments[arguments.length - 1];
const audio = document.getElementById('recording');
audio.addEventListener('loadedmetadata', () => { audio.currentTime = audio.duration - 0.5; }, {once: true});
audio.addEventListener('seeked', () => done({duration: audio.duration, at: audio.currentTime}), {once: true});
audio.addEventListener('error', () => done({error: audio.error ? audio.error.code : -1}), {once: true});
audio.preload = 'auto';
audio.load();
"""


async def test_agent_plays_and_seeks_a_recording_in_chromium(browser: webdriver.Chrome, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'console.db'}"
    store = SqlTicketStore.from_url(db_url)
    await store.migrate()
    await AuthStore(store).add_agent("wang.fang", "correct horse battery", "supervisor")
    ref = record_call(tmp_path / "recordings", "browser-recorded", seconds=6)
    number = await store.save(draft(call_id="browser-recorded", recording_ref=ref))
    app = create_console_app(store, Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always")))
    ranges: list[str] = []

    @web.middleware
    async def note_ranges(request: web.Request, handler: Callable[[web.Request], Awaitable[Any]]) -> Any:
        if request.path.endswith("/recording"):
            ranges.append(request.headers.get("Range", ""))
        return await handler(request)

    app.middlewares.append(note_ranges)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    base = str(server.make_url(""))

    def listen() -> dict[str, Any]:
        log_in(browser, base)
        browser.get(f"{base}/console/tickets/{number}")
        settled_wait(browser).until(ec.presence_of_element_located((By.ID, "recording")))
        browser.set_script_timeout(15)
        return dict(browser.execute_async_script(PLAY))

    try:
        played = await asyncio.to_thread(listen)
    finally:
        await server.close()
        await store.close()
    assert "error" not in played, played
    assert abs(played["duration"] - 6.0) < 0.05 and abs(played["at"] - 5.5) < 0.05
    assert ranges and all(r.startswith("bytes=") for r in ranges)  # Chromium asks for ranges; the server gives them
