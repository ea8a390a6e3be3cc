"""Asterisk AudioSocket (TCP): a call UUID, then 8 kHz signed-linear frames, DTMF and hang-up both ways.

Each message is a 1-byte type, a 2-byte big-endian payload length and the payload: ``0x00`` hang-up,
``0x01`` the call's 16-byte UUID (always first), ``0x03`` one DTMF digit (ASCII), ``0x10`` 16-bit 8 kHz mono
signed linear audio, ``0xff`` error. The protocol has no authentication field, so a connection is accepted
only from an address in ``audiosocket_peers``; with ``audiosocket_require_registration`` its UUID must also
have been announced beforehand with the media token (``POST /api/audiosocket/calls {uuid, from, to}``,
e.g. from the dialplan with ``CURL()``), which is also how the calling and called numbers reach the bot::

    exten => 12345,1,Answer()
     same => n,Set(UUID=${SHELL(uuidgen | tr -d '\\n')})
     same => n,Set(CURLOPT(httpheader)=Authorization: Bearer ${MEDIA_TOKEN})
     same => n,Set(OK=${CURL(http://bot:8080/api/audiosocket/calls,uuid=${UUID}&from=${CALLERID(num)}&to=${EXTEN})})
     same => n,AudioSocket(${UUID},bot:9092)
     same => n,Queue(agents)   ; reached when the bot closes the socket with transfer_on_close
"""

from __future__ import annotations

import asyncio
import logging
import struct
import time
import uuid

from voicebot.audio import AudioFrame
from voicebot.errors import LineError
from voicebot.lines.admission import CallSink
from voicebot.lines.common import Framer, InboundQueue, Outbound, PeerFilter, new_call_id
from voicebot.lines.line import Dtmf, LineInfo
from voicebot.lines.transfer import TransferByClose

logger = logging.getLogger(__name__)

HANGUP, UUID, DTMF, AUDIO, ERROR = 0x00, 0x01, 0x03, 0x10, 0xFF
MAX_PAYLOAD = 4096
"""Largest payload accepted (Asterisk sends 320-byte frames); bigger is a broken or hostile peer."""
MAX_UNSENT = 64 * 1024
"""Bytes of bot audio the peer may leave unread (~2 s) before we decide it stopped reading."""
REGISTRATION_TTL_S = 120.0
"""How long an announced UUID stays valid."""


def pack(kind: int, payload: bytes = b"") -> bytes:
    """Return one AudioSocket message."""
    return struct.pack("!BH", kind, len(payload)) + payload


async def read_message(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Read one message; raise ``LineError`` on truncation or oversize."""
    try:
        header = await reader.readexactly(3)
        kind, length = struct.unpack("!BH", header)
        if length > MAX_PAYLOAD:
            raise LineError("audiosocket-oversize", f"message type 0x{kind:02x} of {length} bytes")
        return kind, await reader.readexactly(length)
    except asyncio.IncompleteReadError as err:
        raise LineError("audiosocket-truncated", f"connection closed mid-message ({len(err.partial)} bytes)") from err


class AudioSocketLine:
    """One AudioSocket connection as a ``Line``."""

    def __init__(self, info: LineInfo, writer: asyncio.StreamWriter, transfer_on_close: bool) -> None:
        self.info = info
        self.inbound = InboundQueue(info.call_id)
        self._writer = writer
        self._transfer = TransferByClose(transfer_on_close, "the AudioSocket", "dialplan continues")
        self._outbound = Outbound(8000)
        self.closed = False

    async def recv(self) -> AudioFrame | Dtmf | None:
        """Return the next caller frame or digit."""
        return await self.inbound.get()

    async def send(self, frame: AudioFrame) -> None:
        """Write one frame of 8 kHz slin; end the call if the peer stopped reading."""
        if self.closed:
            return
        transport = self._writer.transport
        if transport.get_write_buffer_size() > MAX_UNSENT:
            logger.warning("call %s: AudioSocket peer stopped reading (%d bytes unsent), ending the call",
                           self.info.call_id, transport.get_write_buffer_size())
            self._abort()
            return
        for pcm in self._outbound.push(frame):
            self._writer.write(pack(AUDIO, pcm))

    async def clear(self) -> None:
        """Drop what we hold back; AudioSocket has no flush, and frames go out only as they are due."""
        self._outbound.clear()

    def can_transfer(self, target: str) -> bool:
        """Return whether closing the stream hands the call on (``transfer_on_close``)."""
        return self._transfer.enabled

    async def transfer(self, target: str) -> bool:
        """With ``transfer_on_close``, close the socket so the dialplan continues (to the agents)."""
        return await self._transfer.transfer(self)

    async def hangup(self) -> None:
        """Send the hang-up message and close."""
        if self.closed:
            return
        self.closed = True
        self.inbound.close()
        try:
            self._writer.write(pack(HANGUP))
            await asyncio.wait_for(self._writer.drain(), 1.0)
        except (OSError, TimeoutError):
            pass  # the peer is gone or not reading: closing is all that is left
        self._writer.close()

    def _abort(self) -> None:
        self.closed = True
        self.inbound.close()
        self._writer.transport.abort()


class AudioSocketServer:
    """The TCP server Asterisk's ``AudioSocket()`` application connects to."""

    def __init__(self, sink: CallSink, peers: PeerFilter, require_registration: bool = False,
                 transfer_on_close: bool = False) -> None:
        self.sink = sink
        self.peers = peers
        self.require_registration = require_registration
        self.transfer_on_close = transfer_on_close
        self.port = 0
        self._registrations: dict[str, tuple[str, str, float]] = {}
        self._server: asyncio.Server | None = None

    async def start(self, host: str, port: int) -> None:
        """Listen."""
        self._server = await asyncio.start_server(self._connection, host, port, limit=MAX_PAYLOAD + 16)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()

    def register(self, call_uuid: str, calling: str, called: str) -> str:
        """Announce a call UUID (with its numbers); return it normalised."""
        key = str(uuid.UUID(call_uuid))
        now = time.monotonic()
        self._registrations = {k: v for k, v in self._registrations.items() if v[2] > now}
        if len(self._registrations) >= 10000:
            raise ValueError("too many pending registrations")
        self._registrations[key] = (calling, called, now + REGISTRATION_TTL_S)
        return key

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = str(writer.get_extra_info("peername")[0])
        try:
            await self._serve(reader, writer, peer)
        except LineError as err:
            logger.warning("AudioSocket from %s ended: %s", peer, err)
        except OSError as err:
            logger.info("AudioSocket from %s: connection error %s", peer, err)
        finally:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str) -> None:
        if not self.peers.allows(peer):
            logger.warning("AudioSocket from %s refused: peer not in audiosocket_peers", peer)
            writer.write(pack(HANGUP))
            return
        kind, payload = await asyncio.wait_for(read_message(reader), 5.0)
        if kind != UUID or len(payload) != 16:
            raise LineError("audiosocket-no-uuid", f"first message is type 0x{kind:02x}, not a 16-byte UUID")
        call_uuid = str(uuid.UUID(bytes=payload))
        calling, called, _ = self._registrations.pop(call_uuid, ("", "", 0.0))
        if self.require_registration and not _:
            logger.warning("AudioSocket from %s refused: UUID %s was not registered", peer, call_uuid)
            writer.write(pack(HANGUP))
            return
        info = LineInfo(new_call_id("audiosocket"), "audiosocket", 8000, calling, called, call_uuid)
        line = AudioSocketLine(info, writer, self.transfer_on_close)
        reservation = self.sink.reserve("audiosocket")
        if reservation is None:
            logger.warning("AudioSocket call %s refused: not taking calls", call_uuid)
            writer.write(pack(HANGUP))
            return
        task = self.sink.start(line, reservation)
        try:
            await self._pump(reader, line)
        finally:
            line.inbound.close()
            await task

    async def _pump(self, reader: asyncio.StreamReader, line: AudioSocketLine) -> None:
        framer = Framer(8000)
        started = time.monotonic()
        while not line.closed:
            try:
                kind, payload = await read_message(reader)
            except LineError as err:
                if not line.closed:  # after our own hang-up the peer closing is expected
                    logger.warning("call %s: %s", line.info.call_id, err)
                return
            if kind == AUDIO:
                if len(payload) % 2:
                    logger.warning("call %s: odd-length audio payload dropped", line.info.call_id)
                    continue
                for frame in framer.push(payload):
                    if not line.inbound.put(frame):
                        return
            elif kind == DTMF and payload:
                digit = chr(payload[0])
                logger.debug("call %s: a DTMF key", line.info.call_id)  # never the digit: numbers are keyed
                line.inbound.put(Dtmf(digit, int((time.monotonic() - started) * 1000)))
            elif kind == HANGUP:
                logger.info("call %s: Asterisk hung up", line.info.call_id)
                return
            elif kind == ERROR:
                logger.warning("call %s: Asterisk reported an error %s", line.info.call_id, payload.hex())
                return
            else:
                logger.debug("call %s: ignored message type 0x%02x", line.info.call_id, kind)
