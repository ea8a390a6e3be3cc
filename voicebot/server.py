"""The aiohttp application behind ``voicebot serve``: every line protocol, one session per call."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from voicebot.errors import LineError
from voicebot.events import CallRecord, DtmfReceived
from voicebot.lines import audiosocket, softphone_page, twilio, websocket_media
from voicebot.lines.admission import Reservation
from voicebot.lines.common import PeerFilter, token_ok
from voicebot.lines.line import Line
from voicebot.lines.sip import SipServer, parse_port_range
from voicebot.media_auth import DEVELOPMENT, SOFTPHONE_TOKENS, SoftphoneTokens, media_token, page_load_grant
from voicebot.runtime.aio import cancel_and_wait
from voicebot.settings import ServerSettings, Settings
from voicebot.webguard.app import install

logger = logging.getLogger(__name__)

SessionFactory = Callable[[Line], Awaitable[CallRecord]]
"""Runs one call's session on a line and returns its record."""

SOFTPHONE_DIR = Path(__file__).resolve().parent / "lines" / "softphone"


class CallRegistry:
    """Every call in progress: admission (a reserved place per admitted call), one task per session, graceful drain."""

    def __init__(self, session_factory: SessionFactory, max_calls: int) -> None:
        self.session_factory = session_factory
        self.max_calls = max_calls
        self.draining = False
        self.tasks: set[asyncio.Task[None]] = set()
        self.reserved: set[Reservation] = set()
        self.lines: dict[asyncio.Task[None], Line] = {}
        self.completed = 0
        self.on_record: Callable[[Line, CallRecord], None] | None = None

    @property
    def in_use(self) -> int:
        """Return the places taken: calls running plus calls admitted but not started yet (ringing)."""
        return len(self.tasks) + len(self.reserved)

    def reserve(self, protocol: str) -> Reservation | None:
        """Take a place for a new call; ``None`` when draining or ``max_calls`` are running or ringing."""
        if self.draining or self.in_use >= self.max_calls:
            return None
        reservation = Reservation(protocol)
        self.reserved.add(reservation)
        return reservation

    def release(self, reservation: Reservation) -> None:
        """Give back the place of a call that never started (a no-op once started or released)."""
        self.reserved.discard(reservation)

    def start(self, line: Line, reservation: Reservation) -> asyncio.Task[None]:
        """Run a session on ``line`` in its own task, in the place ``reservation`` holds."""
        if reservation not in self.reserved:
            raise LineError("call-not-admitted", f"call {line.info.call_id} started without a reserved place")
        self.reserved.discard(reservation)
        task = asyncio.create_task(self._run(line), name=f"call-{line.info.call_id}")
        self.tasks.add(task)
        self.lines[task] = line
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        self.lines.pop(task, None)

    async def _run(self, line: Line) -> None:
        info = line.info
        logger.info("call %s started: %s from %s to %s (%s)", info.call_id, info.protocol, info.calling_number,
                    info.called_number, info.protocol_call_id)
        try:
            record = await self.session_factory(line)
            logger.info("call %s finished: %s, keys pressed: %d", info.call_id, record.outcome or "done",
                        len(record.of(DtmfReceived)))  # a count, never the keys: callers key phone and ID numbers
            if self.on_record is not None:
                self.on_record(line, record)
        except Exception:  # a crashed session ends its own call only
            logger.exception("call %s: session failed", info.call_id)
        finally:
            self.completed += 1
            try:
                await asyncio.shield(line.hangup())
            except Exception:
                logger.exception("call %s: hangup failed", info.call_id)

    async def drain(self, grace_s: float) -> None:
        """Refuse new calls, let current ones finish for ``grace_s``, then end the rest."""
        self.draining = True
        if self.tasks:
            logger.info("shutdown: waiting up to %.0f s for %d calls", grace_s, len(self.tasks))
            _, pending = await asyncio.wait(set(self.tasks), timeout=grace_s)
            if pending:
                # Hang the lines up first: each session then sees the caller gone and finishes its record.
                logger.warning("shutdown: hanging up %d calls still running", len(pending))
                lines = [self.lines[task] for task in pending if task in self.lines]
                await asyncio.gather(*(line.hangup() for line in lines), return_exceptions=True)
                _, pending = await asyncio.wait(pending, timeout=3.0)
            await cancel_and_wait(*pending, timeout_s=3.0)


SETTINGS = web.AppKey("settings", Settings)
"""The settings the app was made with."""
REGISTRY = web.AppKey("registry", CallRegistry)
"""Calls in progress."""
MEDIA_TOKEN = web.AppKey("media_token", str)
"""The shared secret media peers present."""
SIP = web.AppKey("sip", SipServer)
"""The SIP server (absent when SIP is off)."""
AUDIOSOCKET = web.AppKey("audiosocket", audiosocket.AudioSocketServer)
"""The AudioSocket server (absent when off)."""


async def _media_servers(app: web.Application) -> AsyncIterator[None]:
    config: ServerSettings = app[SETTINGS].server
    registry = app[REGISTRY]
    loop = asyncio.get_running_loop()
    sip: SipServer | None = None
    if config.sip_port >= 0:
        protocol = SipServer(registry, PeerFilter(config.sip_peers), config.sip_public_host or config.host,
                             parse_port_range(config.rtp_ports), config.sip_answer_delay_ms, config.agent_uri,
                             config.refer_notify_timeout_s)
        await loop.create_datagram_endpoint(lambda: protocol, local_addr=(config.host, config.sip_port))
        sip = app[SIP] = protocol
        logger.info("SIP listening on udp %s:%d (peers: %s)", config.host, protocol.port, config.sip_peers)
    audio: audiosocket.AudioSocketServer | None = None
    if config.audiosocket_port >= 0:
        audio = audiosocket.AudioSocketServer(registry, PeerFilter(config.audiosocket_peers),
                                              config.audiosocket_require_registration, config.transfer_on_close)
        await audio.start(config.host, config.audiosocket_port)
        app[AUDIOSOCKET] = audio
        logger.info("AudioSocket listening on tcp %s:%d", config.host, audio.port)
    yield
    if sip is not None:
        sip.draining = True
    await registry.drain(config.shutdown_grace_s)  # usually already drained in on_shutdown
    if sip is not None:
        await sip.close()
    if audio is not None:
        await audio.close()


async def _on_shutdown(app: web.Application) -> None:
    if SIP in app:
        app[SIP].draining = True
    await app[REGISTRY].drain(app[SETTINGS].server.shutdown_grace_s)


async def _health(request: web.Request) -> web.Response:
    registry = request.app[REGISTRY]
    return web.json_response({"status": "draining" if registry.draining else "ok", "calls": len(registry.tasks),
                              "completed": registry.completed})


async def _twilio(request: web.Request) -> web.StreamResponse:
    app = request.app
    config = app[SETTINGS].server
    return await twilio.handle(request, app[REGISTRY], app[MEDIA_TOKEN], config.transfer_on_close,
                               config.twilio_start_timeout_s)


async def _media(request: web.Request) -> web.StreamResponse:
    return await websocket_media.handle(request, request.app[REGISTRY], request.app[MEDIA_TOKEN])


async def _softphone_media(request: web.Request) -> web.StreamResponse:
    # The browser's call: a short-lived softphone token (never the media token) in the URL, checked before the
    # upgrade; it is then the token the WebSocket line expects (the query strings stay out of the access log).
    presented = request.query.get("token", "")
    if not request.app[SOFTPHONE_TOKENS].valid(presented):
        logger.warning("softphone call from %s refused: bad or expired softphone token", request.remote)
        raise web.HTTPUnauthorized(text="bad or expired softphone token: reload the softphone page")
    return await websocket_media.handle(request, request.app[REGISTRY], presented)


async def _softphone(request: web.Request) -> web.StreamResponse:
    name = request.match_info.get("name") or "index.html"
    if name == "index.html":  # the page in the visitor's language; its script and style are the static files
        lang = softphone_page.page_language(request.query.get("lang"), request.headers.get("Accept-Language", ""))
        html = softphone_page.render(lang)
        return web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-cache"})
    path = SOFTPHONE_DIR / name
    if name not in {p.name for p in SOFTPHONE_DIR.iterdir()} or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Cache-Control": "no-cache"})


async def _register_audiosocket(request: web.Request) -> web.Response:
    auth = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token_ok(auth, request.app[MEDIA_TOKEN]):
        logger.warning("AudioSocket registration from %s refused: bad token", request.remote)
        raise web.HTTPUnauthorized(text="bad token")
    if AUDIOSOCKET not in request.app:
        raise web.HTTPNotFound(text="AudioSocket is off")
    try:  # JSON, or a form as Asterisk's CURL() posts it: uuid=...&from=${CALLERID(num)}&to=${EXTEN}
        body: Any = await request.json() if request.content_type == "application/json" else await request.post()
        registration = request.app[AUDIOSOCKET].register(str(body["uuid"]), str(body.get("from", "")),
                                                         str(body.get("to", "")))
    except (ValueError, KeyError, TypeError) as err:
        raise web.HTTPBadRequest(text=f"expected uuid, from, to (JSON or form): {err}") from err
    return web.json_response({"uuid": registration})


def create_app(settings: Settings, session_factory: SessionFactory) -> web.Application:
    """Build the app: SIP and AudioSocket servers start with it; WebSocket lines and the softphone are routes."""
    token = media_token(settings.server)  # ConfigError outside development when none is configured
    if not settings.server.media_token:
        logger.warning("development mode: no [server] media_token, switches cannot connect (the softphone can)")
    app = web.Application(client_max_size=64 * 1024)
    install(app, settings.server)
    app[SETTINGS] = settings
    app[REGISTRY] = CallRegistry(session_factory, settings.server.max_calls)
    app[MEDIA_TOKEN] = token
    app[SOFTPHONE_TOKENS] = SoftphoneTokens(token)
    app[DEVELOPMENT] = settings.server.development
    app.cleanup_ctx.append(_media_servers)
    app.on_shutdown.append(_on_shutdown)
    app.router.add_get("/healthz", _health)
    app.router.add_get("/twilio", _twilio)
    app.router.add_get("/media", _media)
    app.router.add_get("/softphone", _softphone)
    app.router.add_get("/softphone/media", _softphone_media)
    app.router.add_post("/softphone/token", page_load_grant)
    app.router.add_get("/softphone/{name}", _softphone)
    app.router.add_post("/api/audiosocket/calls", _register_audiosocket)
    return app
