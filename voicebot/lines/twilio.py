"""Twilio Media Streams (bidirectional ``<Connect><Stream>``): JSON events over a WebSocket, base64 mu-law 8 kHz.

Twilio sends ``connected``, ``start`` (streamSid, callSid, mediaFormat, customParameters), ``media``, ``dtmf``,
``mark`` (a mark we sent has played) and ``stop``. We send ``media``, a ``mark`` after each utterance (the
utterance has finished only when Twilio echoes it) and ``clear`` (barge-in: drop the audio Twilio has queued, and
the marks pending with it). ``start`` must come within ``twilio_start_timeout_s``. The media token comes as
``<Parameter name="token" value="..."/>`` (customParameters) or, for other Twilio-compatible switches, as
``?token=`` in the URL. Give the numbers as ``from``/``to`` parameters (``<Parameter name="from"
value="{{From}}"/>``): the start event does not carry them.

The messages are translated by ``twilio_codec`` and carried by the shared ``ws_transport``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from aiohttp import web

from voicebot.audio import AudioFrame
from voicebot.lines.admission import CallSink
from voicebot.lines.common import InboundQueue
from voicebot.lines.line import Dtmf, LineInfo
from voicebot.lines.marks import MarkLedger
from voicebot.lines.transfer import TransferByClose
from voicebot.lines.twilio_codec import TwilioCodec, parse_json, parse_start
from voicebot.lines.ws_codec import HandshakeRefused
from voicebot.lines.ws_transport import WebSocketTransport, open_websocket, refuse, run_call

logger = logging.getLogger(__name__)

START_TIMEOUT_S = 5.0
"""Default deadline for a valid ``start`` after connecting (``server.twilio_start_timeout_s``)."""
MARK_TIMEOUT_S = 5.0
"""Longest wait for Twilio to echo a mark; the bot paces audio in real time, so an echo takes a round trip."""


class TwilioLine:
    """One Media Stream as a ``Line`` that knows when Twilio has played the bot's audio (a ``PlayoutLine``).

    After each utterance ``played()`` sends a ``mark`` and waits for Twilio to echo it, which Twilio does once the
    audio before it has played. ``clear`` (barge-in) discards the marks still pending: Twilio echoes them after
    dropping the audio, and those late echoes must not count as a later utterance having played.
    """

    def __init__(self, info: LineInfo, ws: web.WebSocketResponse, stream_sid: str, transfer_on_close: bool) -> None:
        self.info = info
        self.stream_sid = stream_sid
        self.inbound = InboundQueue(info.call_id)
        self.codec = TwilioCodec(stream_sid)
        self.marks = MarkLedger()
        self.transport = WebSocketTransport(ws, self.inbound, TwilioCodec.peer)
        self._transfer = TransferByClose(transfer_on_close, "the media stream", "TwiML continues")

    @property
    def closed(self) -> bool:
        """Whether the stream ended on our side (hang-up, transfer, or Twilio stopped reading)."""
        return self.transport.closed

    @property
    def played_marks(self) -> deque[str]:
        """Names of the marks Twilio echoed (played, or dropped by ``clear``), newest last."""
        return self.marks.played_marks

    async def recv(self) -> AudioFrame | Dtmf | None:
        """Return the next caller frame or digit."""
        return await self.inbound.get()

    async def send(self, frame: AudioFrame) -> None:
        """Send one frame as a ``media`` event."""
        for message in self.codec.media(frame):
            await self._send(message)

    async def mark(self, name: str) -> None:
        """Send a ``mark``: Twilio echoes it once the audio sent before it has played."""
        await self._send(self.codec.mark(name))

    async def played(self) -> bool:
        """Mark the audio sent so far and wait for Twilio's echo: ``True`` once played, ``False`` if cleared or gone."""
        if self.closed:
            return False
        name, echoed = self.marks.expect()
        try:
            await self.mark(name)
            if not self.transport.open:
                return False  # Twilio is gone: nothing will be echoed
            async with asyncio.timeout(MARK_TIMEOUT_S):
                return await echoed
        except TimeoutError:
            logger.warning("call %s: Twilio did not echo mark %s in %.0f s", self.info.call_id, name, MARK_TIMEOUT_S)
            return False
        finally:
            self.marks.forget(name)

    async def clear(self) -> None:
        """Send ``clear``: Twilio drops the audio it has buffered (barge-in); pending marks count as not played."""
        message = self.codec.clear()
        self.marks.drop()
        await self._send(message)

    def can_transfer(self, target: str) -> bool:
        """Return whether closing the stream hands the call on (``transfer_on_close``)."""
        return self._transfer.enabled

    async def transfer(self, target: str) -> bool:
        """With ``transfer_on_close``, end the stream so the TwiML continues (e.g. a ``<Dial>`` to agents)."""
        return await self._transfer.transfer(self)

    async def hangup(self) -> None:
        """Close the WebSocket (Twilio then moves on in the TwiML or ends the call)."""
        if self.closed:
            return
        self.marks.drop()
        await self.transport.close()

    def on_mark(self, name: str) -> None:
        """Take Twilio's echo of a mark: the utterance waiting for it has played (echoes after ``clear``: ignored)."""
        self.marks.echoed(name)

    async def _send(self, message: str) -> None:
        if not await self.transport.send(message) and self.closed:
            self.marks.drop()  # Twilio stopped reading: no mark will be echoed


async def _await_start(ws: web.WebSocketResponse, start_timeout_s: float) -> dict[str, Any] | None:
    """Read ``connected`` and the like until ``start``; ``None`` at the deadline or on anything but text."""
    try:
        # One deadline for the whole handshake: a peer repeating ``connected`` must not keep the socket open.
        async with asyncio.timeout(start_timeout_s):
            while True:
                message = parse_json(await ws.receive())
                if message is None:
                    return None
                if message.get("event") == "start":
                    return message
    except TimeoutError:
        return None


async def handle(request: web.Request, sink: CallSink, token: str, transfer_on_close: bool,
                 start_timeout_s: float = START_TIMEOUT_S) -> web.WebSocketResponse:
    """Serve one Twilio Media Stream connection; it must send a ``start`` within ``start_timeout_s``."""
    ws = await open_websocket(request)
    start = await _await_start(ws, start_timeout_s)
    if start is None:
        logger.warning("Twilio stream from %s closed: no start event within %.0f s", request.remote, start_timeout_s)
        return await refuse(ws, 1002, b"expected a start event")
    try:
        opened = parse_start(start, request.query.get("token", ""), token)
    except HandshakeRefused as err:
        logger.warning("Twilio stream from %s %s", request.remote, err.message)
        return await refuse(ws, err.close_code, err.close_reason)
    line = TwilioLine(opened.info, ws, opened.stream_sid, transfer_on_close)
    return await run_call(ws, sink, line, line.transport, line.codec, line.marks)
