"""Plain WebSocket media (jambonz ``listen``, FreeSWITCH audio fork, the browser softphone).

The peer first sends one JSON text message with metadata: ``sampleRate`` (8000/16000/...), ``callId``
(or ``callSid``), ``from``, ``to``, ``lang`` and ``token`` (or ``?token=`` / ``Authorization: Bearer``).
Then binary messages carry 16-bit little-endian mono PCM at that rate, both ways. Text messages from the
peer may carry ``{"type": "dtmf", "digit": "5"}`` or ``{"type": "hangup"}``. The bot sends text
``{"type": "clear"}`` on barge-in and, through ``notify``, live events such as ``{"type": "partial", "text": ...}``,
``{"type": "transcript", ...}`` and ``{"type": "bot", ...}`` for the softphone's display.

The messages are translated by ``websocket_codec`` and carried by the shared ``ws_transport``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from voicebot.audio import AudioFrame
from voicebot.lines.admission import CallSink
from voicebot.lines.common import InboundQueue
from voicebot.lines.line import Dtmf, LineInfo
from voicebot.lines.websocket_codec import WebSocketCodec, bad_metadata, parse_metadata
from voicebot.lines.ws_codec import HandshakeRefused
from voicebot.lines.ws_transport import WebSocketTransport, open_websocket, refuse, run_call

logger = logging.getLogger(__name__)

METADATA_TIMEOUT_S = 10.0
"""Deadline for the metadata message after connecting."""


class WebSocketLine:
    """One WebSocket media connection as a ``Line`` (plus ``notify`` for live display events)."""

    def __init__(self, info: LineInfo, ws: web.WebSocketResponse) -> None:
        self.info = info
        self.inbound = InboundQueue(info.call_id)
        self.codec = WebSocketCodec(info.rate)
        self.transport = WebSocketTransport(ws, self.inbound, WebSocketCodec.peer)

    @property
    def closed(self) -> bool:
        """Whether the connection ended on our side (hang-up, or the peer stopped reading)."""
        return self.transport.closed

    async def recv(self) -> AudioFrame | Dtmf | None:
        """Return the next caller frame or digit."""
        return await self.inbound.get()

    async def send(self, frame: AudioFrame) -> None:
        """Send one frame as binary L16 at the line's rate."""
        for pcm in self.codec.audio(frame):
            await self.transport.send(pcm)

    async def clear(self) -> None:
        """Tell the peer to drop the bot audio it has buffered."""
        await self.transport.send(self.codec.clear())

    async def notify(self, event: dict[str, Any]) -> None:
        """Send a JSON event to the peer (``partial``, ``transcript``, ``bot``, ``clear``...)."""
        await self.transport.send(self.codec.event(event))

    def can_transfer(self, target: str) -> bool:
        """Return False: a media fork cannot move the call itself."""
        return False

    async def transfer(self, target: str) -> bool:
        """Tell the peer a person should take over; a media fork cannot move the call itself."""
        await self.notify({"type": "transfer", "target": target})
        return False

    async def hangup(self) -> None:
        """Close the WebSocket."""
        await self.transport.close()


async def handle(request: web.Request, sink: CallSink, token: str) -> web.WebSocketResponse:
    """Serve one media WebSocket: metadata, then audio both ways."""
    ws = await open_websocket(request)
    fallback = request.query.get("token") or request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    try:
        try:
            first = await asyncio.wait_for(ws.receive(), METADATA_TIMEOUT_S)
        except TimeoutError as err:
            raise bad_metadata(err) from err
        info = parse_metadata(first, fallback, token)
    except HandshakeRefused as err:
        logger.warning("media WebSocket from %s %s", request.remote, err.message)
        return await refuse(ws, err.close_code, err.close_reason)
    line = WebSocketLine(info, ws)
    return await run_call(ws, sink, line, line.transport, line.codec)
