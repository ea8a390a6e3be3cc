"""Plain WebSocket media (jambonz ``listen``, FreeSWITCH audio fork, the browser softphone).

The peer first sends one JSON text message with metadata: ``sampleRate`` (8000/16000/...), ``callId``
(or ``callSid``), ``from``, ``to``, ``lang`` and ``token`` (or ``?token=`` / ``Authorization: Bearer``).
Then binary messages carry 16-bit little-endian mono PCM at that rate, both ways. Text messages from the
peer may carry ``{"type": "dtmf", "digit": "5"}`` or ``{"type": "hangup"}``. The bot sends text
``{"type": "clear"}`` on barge-in and, through ``notify``, live events such as ``{"type": "partial", "text": ...}``,
``{"type": "transcript", ...}`` and ``{"type": "bot", ...}`` for the softphone's display.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from typing import Any

from aiohttp import WSMsgType, web

from voicebot.audio import SUPPORTED_RATES, AudioFrame
from voicebot.line import Dtmf, LineInfo
from voicebot.lines.admission import CallSink
from voicebot.lines.common import (
    MAX_MALFORMED,
    Framer,
    InboundQueue,
    Outbound,
    close_websocket,
    new_call_id,
    token_ok,
)

logger = logging.getLogger(__name__)

MAX_MESSAGE = 64 * 1024
"""Largest message accepted (one second of 16 kHz audio is 32 KB)."""
SEND_TIMEOUT_S = 2.0
"""A send blocked this long means the peer stopped reading: the call ends."""


class WebSocketLine:
    """One WebSocket media connection as a ``Line`` (plus ``notify`` for live display events)."""

    def __init__(self, info: LineInfo, ws: web.WebSocketResponse) -> None:
        self.info = info
        self.inbound = InboundQueue(info.call_id)
        self._ws = ws
        self._outbound = Outbound(info.rate)
        self.closed = False

    async def recv(self) -> AudioFrame | Dtmf | None:
        """Return the next caller frame or digit."""
        return await self.inbound.get()

    async def send(self, frame: AudioFrame) -> None:
        """Send one frame as binary L16 at the line's rate."""
        for pcm in self._outbound.push(frame):
            await self._guard(self._ws.send_bytes(pcm))

    async def clear(self) -> None:
        """Tell the peer to drop the bot audio it has buffered."""
        self._outbound.clear()
        await self.notify({"type": "clear"})

    async def notify(self, event: dict[str, Any]) -> None:
        """Send a JSON event to the peer (``partial``, ``transcript``, ``bot``, ``clear``...)."""
        await self._guard(self._ws.send_str(json.dumps(event, ensure_ascii=False)))

    def can_transfer(self, target: str) -> bool:
        """Return False: a media fork cannot move the call itself."""
        return False

    async def transfer(self, target: str) -> bool:
        """Tell the peer a person should take over; a media fork cannot move the call itself."""
        await self.notify({"type": "transfer", "target": target})
        return False

    async def hangup(self) -> None:
        """Close the WebSocket."""
        if self.closed:
            return
        self.closed = True
        self.inbound.close()
        await close_websocket(self._ws, SEND_TIMEOUT_S)

    async def _guard(self, sending: Coroutine[Any, Any, None]) -> None:
        if self.closed or self._ws.closed:
            sending.close()
            return
        try:
            # Not wait_for: on Python 3.11 it drops a cancel (barge-in) that lands as the send completes.
            async with asyncio.timeout(SEND_TIMEOUT_S):
                await sending
        except (TimeoutError, ConnectionError) as err:
            logger.warning("call %s: peer stopped reading (%s), ending the call", self.info.call_id,
                           type(err).__name__)
            self.closed = True
            self.inbound.close()


def _metadata_rate(meta: dict[str, Any]) -> int:
    rate = int(meta.get("sampleRate") or meta.get("sample_rate") or 8000)
    if rate not in SUPPORTED_RATES:
        raise ValueError(f"sampleRate {rate} not one of {SUPPORTED_RATES}")
    return rate


async def handle(request: web.Request, sink: CallSink, token: str) -> web.WebSocketResponse:
    """Serve one media WebSocket: metadata, then audio both ways."""
    ws = web.WebSocketResponse(max_msg_size=MAX_MESSAGE, heartbeat=30)
    await ws.prepare(request)
    try:
        first = await asyncio.wait_for(ws.receive(), 10.0)
        meta = json.loads(first.data) if first.type == WSMsgType.TEXT else None
        if not isinstance(meta, dict):
            raise ValueError("the first message must be a JSON object")
        rate = _metadata_rate(meta)
    except (TimeoutError, ValueError, TypeError, OverflowError) as err:  # OverflowError: int(Infinity)
        logger.warning("media WebSocket from %s closed: bad metadata (%s)", request.remote, err)
        await ws.close(code=1002, message=b"expected JSON metadata first")
        return ws
    presented = str(meta.get("token") or request.query.get("token")
                    or request.headers.get("Authorization", "").removeprefix("Bearer ").strip())
    if not token_ok(presented, token):
        logger.warning("media WebSocket from %s refused: bad or missing token", request.remote)
        await ws.close(code=1008, message=b"bad token")
        return ws
    info = LineInfo(
        new_call_id("ws"), "websocket", rate, str(meta.get("from", "")), str(meta.get("to", "")),
        str(meta.get("callId") or meta.get("callSid") or meta.get("call_id") or ""),
        lang=str(meta["lang"]) if meta.get("lang") else None,
    )
    line = WebSocketLine(info, ws)
    reservation = sink.reserve("websocket")
    if reservation is None:
        await ws.close(code=1013, message=b"not taking calls")
        return ws
    task = sink.start(line, reservation)
    try:
        await _pump(ws, line)
    finally:
        line.inbound.close()
        await task
    return ws


async def _pump(ws: web.WebSocketResponse, line: WebSocketLine) -> None:
    framer = Framer(line.info.rate)
    malformed = 0
    async for msg in ws:
        if msg.type == WSMsgType.BINARY:
            for frame in framer.push(msg.data):
                if not line.inbound.put(frame):
                    return
            continue
        try:
            event = json.loads(msg.data) if msg.type == WSMsgType.TEXT else None
            kind = event.get("type") if isinstance(event, dict) else None
            if kind == "dtmf" and isinstance(event, dict):
                line.inbound.put(Dtmf(str(event["digit"])[:1], framer.emitted_ms))
                continue
            if kind in ("hangup", "stop"):
                return
            raise ValueError(f"unexpected message {str(msg.data)[:60]!r}")
        except (ValueError, KeyError, TypeError) as err:
            malformed += 1
            logger.warning("call %s: dropped a bad message (%s)", line.info.call_id, err)
            if malformed >= MAX_MALFORMED:
                logger.warning("call %s: too many bad messages, ending the call", line.info.call_id)
                return
