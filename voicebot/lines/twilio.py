"""Twilio Media Streams (bidirectional ``<Connect><Stream>``): JSON events over a WebSocket, base64 mu-law 8 kHz.

Twilio sends ``connected``, ``start`` (streamSid, callSid, mediaFormat, customParameters), ``media``, ``dtmf``,
``mark`` (a mark we sent has played) and ``stop``. We send ``media``, a ``mark`` after each utterance (the
utterance has finished only when Twilio echoes it) and ``clear`` (barge-in: drop the audio Twilio has queued, and
the marks pending with it). ``start`` must come within ``twilio_start_timeout_s``. The media token comes as
``<Parameter name="token" value="..."/>`` (customParameters) or, for other Twilio-compatible switches, as
``?token=`` in the URL. Give the numbers as ``from``/``to`` parameters (``<Parameter name="from"
value="{{From}}"/>``): the start event does not carry them.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from collections import deque
from typing import Any

from aiohttp import WSMsgType, web

from voicebot.audio import AudioFrame, ulaw_decode, ulaw_encode
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
"""Largest WebSocket message accepted (a 20 ms media event is ~300 bytes)."""
SEND_TIMEOUT_S = 2.0
"""A send blocked this long means Twilio stopped reading: the call ends."""
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
        self.played_marks: deque[str] = deque(maxlen=64)
        """Names of the marks Twilio echoed (played, or dropped by ``clear``), newest last."""
        self._pending: dict[str, asyncio.Future[bool]] = {}
        self._marks_sent = 0
        self._ws = ws
        self._transfer_on_close = transfer_on_close
        self._outbound = Outbound(8000)
        self.closed = False

    async def recv(self) -> AudioFrame | Dtmf | None:
        """Return the next caller frame or digit."""
        return await self.inbound.get()

    async def send(self, frame: AudioFrame) -> None:
        """Send one frame as a ``media`` event."""
        for pcm in self._outbound.push(frame):
            payload = base64.b64encode(ulaw_encode(pcm)).decode("ascii")
            await self._send({"event": "media", "streamSid": self.stream_sid, "media": {"payload": payload}})

    async def mark(self, name: str) -> None:
        """Send a ``mark``: Twilio echoes it once the audio sent before it has played."""
        await self._send({"event": "mark", "streamSid": self.stream_sid, "mark": {"name": name}})

    async def played(self) -> bool:
        """Mark the audio sent so far and wait for Twilio's echo: ``True`` once played, ``False`` if cleared or gone."""
        if self.closed:
            return False
        self._marks_sent += 1
        name = f"bot-{self._marks_sent}"
        echoed = asyncio.get_running_loop().create_future()
        self._pending[name] = echoed
        try:
            await self.mark(name)
            if self.closed or self._ws.closed:
                return False  # Twilio is gone: nothing will be echoed
            async with asyncio.timeout(MARK_TIMEOUT_S):
                return await echoed
        except TimeoutError:
            logger.warning("call %s: Twilio did not echo mark %s in %.0f s", self.info.call_id, name, MARK_TIMEOUT_S)
            return False
        finally:
            self._pending.pop(name, None)

    async def clear(self) -> None:
        """Send ``clear``: Twilio drops the audio it has buffered (barge-in); pending marks count as not played."""
        self._outbound.clear()
        self._drop_marks()
        await self._send({"event": "clear", "streamSid": self.stream_sid})

    def can_transfer(self, target: str) -> bool:
        """Return whether closing the stream hands the call on (``transfer_on_close``)."""
        return self._transfer_on_close

    async def transfer(self, target: str) -> bool:
        """With ``transfer_on_close``, end the stream so the TwiML continues (e.g. a ``<Dial>`` to agents)."""
        if not self._transfer_on_close or self.closed:
            return False
        logger.info("call %s: transfer by closing the media stream (TwiML continues)", self.info.call_id)
        await self.hangup()
        return True

    async def hangup(self) -> None:
        """Close the WebSocket (Twilio then moves on in the TwiML or ends the call)."""
        if self.closed:
            return
        self.closed = True
        self.inbound.close()
        self._drop_marks()
        await close_websocket(self._ws, SEND_TIMEOUT_S)

    async def _send(self, message: dict[str, Any]) -> None:
        if self.closed or self._ws.closed:
            return
        try:
            # Not wait_for: on Python 3.11 it drops a cancel (barge-in) that lands as the send completes.
            async with asyncio.timeout(SEND_TIMEOUT_S):
                await self._ws.send_str(json.dumps(message, separators=(",", ":")))
        except (TimeoutError, ConnectionError) as err:
            logger.warning("call %s: Twilio stopped reading (%s), ending the call", self.info.call_id,
                           type(err).__name__)
            self.closed = True
            self.inbound.close()
            self._drop_marks()

    def on_mark(self, name: str) -> None:
        """Take Twilio's echo of a mark: the utterance waiting for it has played (echoes after ``clear``: ignored)."""
        self.played_marks.append(name)
        echoed = self._pending.pop(name, None)
        if echoed is not None and not echoed.done():
            echoed.set_result(True)

    def _drop_marks(self) -> None:
        for echoed in self._pending.values():
            if not echoed.done():
                echoed.set_result(False)
        self._pending.clear()


async def _next_json(ws: web.WebSocketResponse) -> dict[str, Any] | None:
    msg = await ws.receive()
    if msg.type != WSMsgType.TEXT:
        return None
    try:
        data = json.loads(msg.data)
    except ValueError:
        return {"event": "__bad__"}
    return data if isinstance(data, dict) else {"event": "__bad__"}


async def handle(request: web.Request, sink: CallSink, token: str, transfer_on_close: bool,
                 start_timeout_s: float = START_TIMEOUT_S) -> web.WebSocketResponse:
    """Serve one Twilio Media Stream connection; it must send a ``start`` within ``start_timeout_s``."""
    ws = web.WebSocketResponse(max_msg_size=MAX_MESSAGE, heartbeat=30)
    await ws.prepare(request)
    start: dict[str, Any] | None = None
    try:
        # One deadline for the whole handshake: a peer repeating ``connected`` must not keep the socket open.
        async with asyncio.timeout(start_timeout_s):
            while start is None:  # ``connected`` first, then ``start``
                message = await _next_json(ws)
                if message is None:
                    break
                if message.get("event") == "start":
                    start = message
    except TimeoutError:
        pass
    if start is None:
        logger.warning("Twilio stream from %s closed: no start event within %.0f s", request.remote, start_timeout_s)
        await ws.close(code=1002, message=b"expected a start event")
        return ws
    details = start.get("start") or {}
    raw_params = details.get("customParameters") or {} if isinstance(details, dict) else None
    if not isinstance(details, dict) or not isinstance(raw_params, dict):
        logger.warning("Twilio stream from %s closed: start details are not objects", request.remote)
        await ws.close(code=1002, message=b"malformed start event")
        return ws
    params = {str(k): str(v) for k, v in raw_params.items()}
    if not token_ok(params.pop("token", "") or request.query.get("token", ""), token):
        logger.warning("Twilio stream from %s refused: bad or missing token", request.remote)
        await ws.close(code=1008, message=b"bad token")
        return ws
    stream_sid = str(start.get("streamSid") or details.get("streamSid", ""))
    info = LineInfo(new_call_id("twilio"), "twilio", 8000, params.pop("from", ""), params.pop("to", ""),
                    str(details.get("callSid", "")), extra={"streamSid": stream_sid, **params})
    line = TwilioLine(info, ws, stream_sid, transfer_on_close)
    reservation = sink.reserve("twilio")
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


async def _pump(ws: web.WebSocketResponse, line: TwilioLine) -> None:
    framer = Framer(8000)
    call_id = line.info.call_id
    malformed = 0
    async for msg in ws:
        if msg.type != WSMsgType.TEXT:
            logger.warning("call %s: unexpected WebSocket message type %s", call_id, msg.type)
            continue
        try:
            message = json.loads(msg.data)
            event = message["event"]
            if event == "media":
                if message["media"].get("track", "inbound") != "inbound":
                    continue
                for frame in framer.push(ulaw_decode(base64.b64decode(message["media"]["payload"], validate=True))):
                    if not line.inbound.put(frame):
                        return
            elif event == "dtmf":
                digit = str(message["dtmf"]["digit"])
                logger.debug("call %s: a DTMF key", call_id)  # never the digit: numbers are keyed
                line.inbound.put(Dtmf(digit, framer.emitted_ms))
            elif event == "mark":
                line.on_mark(str(message["mark"]["name"]))
            elif event == "stop":
                logger.info("call %s: Twilio stopped the stream", call_id)
                return
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as err:
            malformed += 1
            logger.warning("call %s: malformed Twilio message dropped (%s: %s)", call_id, type(err).__name__, err)
            if malformed >= MAX_MALFORMED:
                logger.warning("call %s: too many malformed messages, ending the call", call_id)
                return

