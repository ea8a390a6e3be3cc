"""Issue 12, the call server's web side: required media token, softphone tokens, quiet access log, header timeout."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.handoff_support import PASSWORD
from tests.telephony_helpers import ScriptedBot, test_settings
from voicebot.cli import main
from voicebot.commands.serve_cmd import apply_overrides
from voicebot.errors import ConfigError
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import setup_console
from voicebot.handoff.store import SqlTicketStore
from voicebot.media_auth import SoftphoneTokens
from voicebot.runtime.redact import mask
from voicebot.server import MEDIA_TOKEN, create_app
from voicebot.settings import HandoffSettings, Settings
from voicebot.webguard.app import runner_options

META = {"sampleRate": 16000, "callId": "softphone-1", "from": "softphone", "to": "12345"}


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


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlTicketStore]:
    s = SqlTicketStore.from_url(f"sqlite:///{tmp_path / 'tickets.db'}")
    await s.migrate()
    await AuthStore(s).add_agent("alice", PASSWORD, "agent")
    yield s
    await s.close()


async def _wait_for_call(bot: ScriptedBot) -> None:
    for _ in range(50):
        if bot.lines:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no call started")


# 2. The media token: required outside development, never logged; browsers get short-lived softphone tokens


def test_serve_refuses_to_start_without_a_media_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("VOICEBOT_CONFIG", "VOICEBOT_SERVER__MEDIA_TOKEN", "VOICEBOT_SERVER__DEVELOPMENT"):
        monkeypatch.delenv(name, raising=False)
    assert main(["serve", "--no-rasa"]) == 2
    assert "media_token is not set" in capsys.readouterr().err
    with pytest.raises(ConfigError) as err:
        create_app(test_settings(media_token=""), ScriptedBot())
    assert err.value.code == "media-token-missing"


def test_development_mode_makes_a_token_and_never_logs_it(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    parser_args = type("Args", (), {"dev": True, "host": None, "port": None, "sip_port": None})()
    assert apply_overrides(Settings(), parser_args).server.development  # what `serve --dev` (./dev up) sets
    app = create_app(test_settings(media_token="", development=True), ScriptedBot())
    token = app[MEDIA_TOKEN]
    assert len(token) >= 24 and token not in caplog.text
    assert "development mode" in caplog.text


async def test_access_log_leaves_query_strings_out(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    async with serving(test_settings(), ScriptedBot()) as base, aiohttp.ClientSession() as http:
        assert (await http.get(f"{base}/softphone?token=sekrit-media-token&lang=en-US")).status == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert any(re.search(r'"GET /softphone" 200 \d+B \d+\.\d{3}s$', line) for line in lines), lines
    assert mask(lines[0]) == lines[0]  # status and size do not look like a phone number to the log redaction
    assert "sekrit" not in caplog.text


async def test_softphone_token_from_a_console_session_opens_softphone_calls_only(store: SqlTicketStore) -> None:
    settings = dataclasses.replace(test_settings(), handoff=HandoffSettings(agent_hours="always"))
    bot = ScriptedBot()
    jar = aiohttp.CookieJar(unsafe=True)  # the console cookie from 127.0.0.1
    async with serving(settings, bot, store) as base, aiohttp.ClientSession(cookie_jar=jar) as http:
        assert (await http.post(f"{base}/console/softphone-token")).status == 401  # no session
        assert (await http.post(f"{base}/softphone/token")).status == 403  # page-load tokens: development only
        login = await http.post(f"{base}/console/login", data={"username": "alice", "password": PASSWORD})
        assert login.status == 200
        grant = await http.post(f"{base}/console/softphone-token")
        token = (await grant.json())["token"]
        assert grant.status == 200 and grant.headers["Cache-Control"] == "no-store"
        # the media token does not open the softphone's socket
        with pytest.raises(aiohttp.WSServerHandshakeError) as err:
            await http.ws_connect(f"{base}/softphone/media?token=test-token")
        assert err.value.status == 401
        ws = await http.ws_connect(f"{base}/softphone/media?token={token}")
        await ws.send_str(json.dumps(META))
        await _wait_for_call(bot)
        await ws.close()
        # ...and the softphone token opens nothing else
        media = await http.ws_connect(f"{base}/media")
        await media.send_str(json.dumps({**META, "token": token}))
        assert (await asyncio.wait_for(media.receive(), 3.0)).type == aiohttp.WSMsgType.CLOSE
        assert media.close_code == 1008
        register = await http.post(f"{base}/api/audiosocket/calls", headers={"Authorization": f"Bearer {token}"},
                                   json={"uuid": "0b6f8f6e-3c7a-4c1e-9a53-4f3a0c9d2b11"})
        assert register.status == 401
    assert len(bot.lines) == 1 and bot.lines[0].info.protocol == "websocket"


async def test_development_softphone_gets_a_token_on_page_load() -> None:
    bot = ScriptedBot()
    async with serving(test_settings(media_token="", development=True), bot) as base, aiohttp.ClientSession() as http:
        token = (await (await http.post(f"{base}/softphone/token")).json())["token"]
        ws = await http.ws_connect(f"{base}/softphone/media?token={token}")
        await ws.send_str(json.dumps(META))
        await _wait_for_call(bot)
        await ws.close()


def test_softphone_tokens_expire_and_belong_to_one_media_token() -> None:
    now = [1_800_000_000.0]
    tokens = SoftphoneTokens("media-secret", ttl_s=300, clock=lambda: now[0])
    token = tokens.issue()
    assert tokens.valid(token)
    assert not SoftphoneTokens("other-secret", clock=lambda: now[0]).valid(token)
    head, expiry, nonce, signature = token.split(".")
    assert not tokens.valid(f"{head}.{int(expiry) + 3600}.{nonce}.{signature}")  # a longer life is not signed
    assert not tokens.valid("media-secret") and not tokens.valid("")
    now[0] += 301
    assert not tokens.valid(token)


async def test_softphone_page_has_a_strict_policy() -> None:
    async with serving(test_settings(), ScriptedBot()) as base, aiohttp.ClientSession() as http:
        page = await http.get(f"{base}/softphone")
        csp = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and page.headers["X-Frame-Options"] == "DENY"
        assert "<style>" not in await page.text()  # its style is a file: the policy allows no inline style for it
        assert (await http.get(f"{base}/softphone/softphone.css")).status == 200


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
