"""Issue 12, the call server's web side: required media token, softphone tokens, quiet access log, header timeout."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp import web

from tests.telephony_helpers import ScriptedBot, test_settings
from voicebot.handoff.console import setup_console
from voicebot.handoff.store import SqlTicketStore
from voicebot.server import create_app
from voicebot.settings import Settings
from voicebot.webguard.app import runner_options


@asynccontextmanager
async def serving(settings: Settings, bot: ScriptedBot, store: SqlTicketStore | None = None) -> AsyncIterator[str]:
    """Run the call server as ``voicebot serve`` does (console optional); yield its base URL."""
    app = create_app(settings, bot)
    if store is not None:
        setup_console(app, store, settings)
    runner = web.AppRunner(app, **runner_options(settings.server))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


# 2. (part) The access log leaves query strings out


async def test_access_log_leaves_query_strings_out(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    async with serving(test_settings(), ScriptedBot()) as base, aiohttp.ClientSession() as http:
        assert (await http.get(f"{base}/softphone?token=sekrit-media-token&lang=en-US")).status == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert any('"GET /softphone"' in line for line in lines), lines
    assert "sekrit" not in caplog.text


# 3. Request headers must arrive within request_header_timeout_s


async def test_half_sent_request_is_closed_within_the_header_timeout() -> None:
    settings = test_settings(request_header_timeout_s=1.0)
    async with serving(settings, ScriptedBot()) as base:
        port = int(base.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        loop = asyncio.get_running_loop()
        started = loop.time()
        writer.write(b"GET /healthz HT")  # half a request line, then nothing
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 5.0) == b""  # closed by the server
        assert loop.time() - started < 2.5
        writer.close()
        # a whole request is still answered
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert (await asyncio.wait_for(reader.read(), 5.0)).startswith(b"HTTP/1.1 200")
        writer.close()
