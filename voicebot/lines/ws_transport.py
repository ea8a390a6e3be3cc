"""The WebSocket transport shared by the Twilio and plain-WebSocket lines: send guard, receive loop, hang-up.

A line pairs this transport with a codec (``twilio_codec``, ``websocket_codec``): the codec turns messages into
events and bot audio into messages; the transport moves them. Sending is guarded: a send blocked for
``SEND_TIMEOUT_S`` means the peer stopped reading, and the call ends. Receiving (``receive``) is the one loop
over the peer's messages: audio and digits to the caller's queue (ended by its flood guard), mark echoes to the
line, ``MAX_MALFORMED`` unreadable messages end the call. ``run_call`` admits an identified call under the call
limit (``admission``), runs its session and the receive loop, and waits for the session to end.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import WSMessage, WSMsgType, web

from voicebot.audio import AudioFrame
from voicebot.lines.admission import CallSink
from voicebot.lines.common import InboundQueue
from voicebot.lines.line import Dtmf, Line
from voicebot.lines.ws_codec import Ignored, MalformedMessage, MarkEcho, MarkSink, MediaDecoder, PeerHangup

logger = logging.getLogger(__name__)

MAX_MESSAGE = 64 * 1024
"""Largest WebSocket message accepted (a 20 ms Twilio media event is ~300 bytes, 1 s of 16 kHz L16 32 KB)."""
SEND_TIMEOUT_S = 2.0
"""A send blocked this long means the peer stopped reading: the call ends."""
MAX_MALFORMED = 20
"""Malformed messages tolerated in one call before it is ended (a broken or hostile peer)."""
HEARTBEAT_S = 30.0
"""WebSocket ping interval; a peer that stops answering pings is closed by aiohttp."""
_CLOSING = (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED)


async def open_websocket(request: web.Request) -> web.WebSocketResponse:
    """Accept the WebSocket upgrade with the media limits."""
    ws = web.WebSocketResponse(max_msg_size=MAX_MESSAGE, heartbeat=HEARTBEAT_S)
    await ws.prepare(request)
    return ws


async def next_message(ws: web.WebSocketResponse) -> WSMessage | None:
    """Return the peer's next message; ``None`` once the WebSocket closes. Every message is read here."""
    message = await ws.receive()
    return None if message.type in _CLOSING else message


async def close_websocket(ws: web.WebSocketResponse, timeout_s: float) -> None:
    """Close a media WebSocket politely if the peer still listens; a gone or stuck peer is left as it is."""
    try:
        async with asyncio.timeout(timeout_s):
            await ws.close()
    except (TimeoutError, ConnectionError):
        pass  # peer gone: nothing left to close politely


class WebSocketTransport:
    """One call's media WebSocket: guarded sends, the receive loop and the hang-up; owns the caller's queue."""

    def __init__(self, ws: web.WebSocketResponse, inbound: InboundQueue, peer: str) -> None:
        self.inbound = inbound
        self.peer = peer
        """Who is on the other side, for the log (``Twilio``, ``peer``)."""
        self._ws = ws
        self._closed = False

    @property
    def closed(self) -> bool:
        """Whether the call's media ended on our side (hang-up, or the peer stopped reading)."""
        return self._closed

    @property
    def open(self) -> bool:
        """Whether a message sent now can still reach the peer."""
        return not self._closed and not self._ws.closed

    async def send(self, data: str | bytes) -> bool:
        """Send one message; ``False`` if it was not sent (closed, or the peer stopped reading: the call ends)."""
        if not self.open:
            return False
        try:
            # Not wait_for: on Python 3.11 it drops a cancel (barge-in) that lands as the send completes.
            async with asyncio.timeout(SEND_TIMEOUT_S):
                if isinstance(data, bytes):
                    await self._ws.send_bytes(data)
                else:
                    await self._ws.send_str(data)
            return True
        except (TimeoutError, ConnectionError) as err:
            logger.warning("call %s: %s stopped reading (%s), ending the call", self.inbound.call_id, self.peer,
                           type(err).__name__)
            self._closed = True
            self.inbound.close()
            return False

    async def close(self) -> None:
        """End the media: the caller's queue, then the WebSocket (politely, if the peer still listens)."""
        if self._closed:
            return
        self._closed = True
        self.inbound.close()
        await close_websocket(self._ws, SEND_TIMEOUT_S)

    async def receive(self, decoder: MediaDecoder, marks: MarkSink | None = None) -> None:
        """Read the peer's messages until it closes or hangs up, it floods, or too many are malformed."""
        call_id = self.inbound.call_id
        malformed = 0
        while (message := await next_message(self._ws)) is not None:
            try:
                events = decoder.decode(message)
            except MalformedMessage as err:
                malformed += 1
                logger.warning("call %s: malformed %s message dropped (%s)", call_id, decoder.peer, err)
                if malformed >= MAX_MALFORMED:
                    logger.warning("call %s: too many malformed messages, ending the call", call_id)
                    return
                continue
            for event in events:
                if isinstance(event, AudioFrame):
                    if not self.inbound.put(event):
                        return  # closed, or the flood guard ended the call
                elif isinstance(event, Dtmf):
                    logger.debug("call %s: a DTMF key", call_id)  # never the digit: numbers are keyed
                    self.inbound.put(event)
                elif isinstance(event, MarkEcho):
                    if marks is not None:
                        marks.echoed(event.name)
                elif isinstance(event, PeerHangup):
                    logger.info("call %s: %s", call_id, event.reason)
                    return
                elif isinstance(event, Ignored):
                    logger.warning("call %s: %s", call_id, event.reason)


async def refuse(ws: web.WebSocketResponse, code: int, reason: bytes) -> web.WebSocketResponse:
    """Close a connection that is not taken as a call (bad handshake 1002, bad token 1008, full 1013)."""
    await ws.close(code=code, message=reason)
    return ws


async def run_call(ws: web.WebSocketResponse, sink: CallSink, line: Line, transport: WebSocketTransport,
                   decoder: MediaDecoder, marks: MarkSink | None = None) -> web.WebSocketResponse:
    """Admit an identified call (close 1013 when not taking calls), run its session and receive until it ends."""
    reservation = sink.reserve(line.info.protocol)
    if reservation is None:
        return await refuse(ws, 1013, b"not taking calls")
    task = sink.start(line, reservation)
    try:
        await transport.receive(decoder, marks)
    finally:
        transport.inbound.close()
        await task
    return ws
