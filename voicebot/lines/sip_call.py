"""One SIP call as a ``Line``: its dialog state, its RTP socket, G.711 in and out."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable

from voicebot.audio import AudioFrame, alaw_decode, alaw_encode, ulaw_decode, ulaw_encode
from voicebot.errors import LineError
from voicebot.lines.common import Framer, InboundQueue, Outbound, new_call_id
from voicebot.lines.line import Dtmf, LineInfo
from voicebot.lines.refer import REFER_TIMEOUT_S, ReferOutcome, ReferWatch, is_refer_notify
from voicebot.lines.rtp import COMFORT_NOISE, SILENCE_20MS, DtmfDecoder, JitterBuffer, RtpSender, parse_rtp
from voicebot.lines.sdp import PCMU, Offer
from voicebot.lines.sip_message import SipMessage, caller_of, new_tag, uri_of, user_of

logger = logging.getLogger(__name__)

SendRequest = Callable[["SipCall", SipMessage], Awaitable[SipMessage]]


class RtpEndpoint(asyncio.DatagramProtocol):
    """The UDP socket of one call's media."""

    def __init__(self, call: SipCall) -> None:
        self.call = call

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        """Hand a packet to the call."""
        self.call.on_rtp(data, str(addr[0]))

    def error_received(self, exc: Exception) -> None:
        """Log ICMP errors (the caller's media port is closed)."""
        logger.debug("call %s: RTP socket error %s", self.call.info.call_id, exc)


class SipCall:
    """A SIP dialog we answered, exposed to the session as a ``Line``."""

    def __init__(self, invite: SipMessage, peer: tuple[str, int], offer: Offer, local: tuple[str, int],
                 send_request: SendRequest, agent_uri: str = "", refer_notify_timeout_s: float = 30.0) -> None:
        self.invite = invite
        self.peer = peer
        self.offer = offer
        self.local_host, self.local_port = local
        self.local_tag = new_tag()
        self.info = LineInfo(
            call_id=new_call_id("sip"), protocol="sip", rate=8000,
            calling_number=caller_of(invite), called_number=user_of(invite.get("To")) or user_of(invite.uri),
            protocol_call_id=invite.call_id, extra={"codec": offer.encoding},
        )
        self.state = "early"
        """``early`` (ringing), ``confirmed`` (answered), ``ended``."""
        self.inbound = InboundQueue(self.info.call_id)
        self.answer_sdp = b""
        self.last_response: bytes = b""
        self.acked = asyncio.Event()
        self.rtp_port = 0
        self._send_request = send_request
        self._agent_uri = agent_uri
        self._refer_notify_timeout_s = refer_notify_timeout_s
        self._refer: ReferWatch | None = None
        self._refer_unsupported = False
        """The caller's side answered a REFER 405/501: it will never take one."""
        self._cseq = 0
        self._transport: asyncio.DatagramTransport | None = None
        self._jitter = JitterBuffer()
        self._dtmf = DtmfDecoder()
        self._framer = Framer(8000)
        self._sender = RtpSender(offer.codec)
        self._encode = ulaw_encode if offer.encoding == "PCMU" or offer.codec == PCMU else alaw_encode
        self._decode = ulaw_decode if offer.encoding == "PCMU" else alaw_decode
        self._outbound = Outbound(8000)
        self._loop = asyncio.get_running_loop()
        self._t0 = self._loop.time()
        self._flush_handle: asyncio.TimerHandle | None = None
        self.bad_packets = 0
        self._hangup_task: asyncio.Task[None] | None = None
        self.held = False
        """On hold (re-INVITE ``sendonly``/``inactive``): the caller's phone sends no audio, on purpose."""
        self._filler: asyncio.Task[None] | None = None
        self.on_end: Callable[[SipCall, str], None] = lambda call, reason: call.close(reason)
        """Called when the call ends locally (the server forgets the dialog)."""

    # --- media ---------------------------------------------------------------

    async def open_rtp(self, host: str, ports: range | None) -> int:
        """Bind the RTP socket (in ``ports`` when given) and return its port."""
        candidates = list(ports) if ports else [0]
        for port in candidates:
            try:
                transport, _ = await self._loop.create_datagram_endpoint(lambda: RtpEndpoint(self),
                                                                          local_addr=(host, port))
            except OSError:
                continue
            self._transport = transport
            self.rtp_port = int(transport.get_extra_info("sockname")[1])
            return self.rtp_port
        raise LineError("rtp-no-port", f"no free RTP port in {ports}")

    def now_ms(self) -> int:
        """Return ms since the call was offered."""
        return int((self._loop.time() - self._t0) * 1000)

    def on_rtp(self, data: bytes, host: str) -> None:
        """Accept one RTP packet from the caller (only from the address its SDP or SIP came from)."""
        if self.state == "ended" or self.inbound.closed:
            return
        if host not in (self.offer.address, self.peer[0]):
            self._bad(f"RTP from unexpected address {host}")
            return
        try:
            packet = parse_rtp(data)
        except LineError as err:
            self._bad(err.message)
            return
        if packet.payload_type == self.offer.dtmf_payload:
            digit = self._dtmf.push(packet)
            if digit is not None:
                logger.debug("call %s: a DTMF key (RTP event)", self.info.call_id)  # never the digit: numbers are keyed
                self._queue(Dtmf(digit, self.now_ms()))
            return
        if packet.payload_type == COMFORT_NOISE:  # the caller is silent (DTX): silence, and the line is alive
            self._fill(SILENCE_20MS)
            return
        if packet.payload_type != self.offer.codec:
            self._bad(f"unexpected payload type {packet.payload_type}")
            return
        for ready in self._jitter.push(packet):
            self._deliver(ready.payload)
        self._schedule_flush()

    def on_info(self, request: SipMessage) -> None:
        """Take a DTMF digit from a SIP INFO (``application/dtmf-relay``: ``Signal=5``), as some switches send."""
        match = re.search(rb"Signal\s*=\s*([0-9*#A-Da-d])", request.body)
        if match and "dtmf" in request.get("Content-Type").lower():
            digit = match.group(1).decode().upper()
            logger.debug("call %s: a DTMF key (SIP INFO)", self.info.call_id)  # never the digit
            self._queue(Dtmf(digit, self.now_ms()))

    def _deliver(self, payload: bytes) -> None:
        self._fill(self._decode(payload))

    def _fill(self, pcm: bytes) -> None:
        for frame in self._framer.push(pcm):
            if not self._queue(frame):
                return

    def set_held(self, held: bool) -> None:
        """A re-INVITE put the call on hold (or took it off): while held, silence stands in for the caller's audio,
        so the media timeout does not take a caller on hold for one who vanished."""
        if held != self.held and self.state != "ended":
            logger.info("call %s: %s hold", self.info.call_id, "on" if held else "off")
            self.held = held
            if held and (self._filler is None or self._filler.done()):
                self._filler = asyncio.create_task(self._silence_while_held())

    async def _silence_while_held(self) -> None:
        while self.held and self.state != "ended":  # ends by itself once off hold or hung up
            await asyncio.sleep(0.02)
            self._fill(SILENCE_20MS)

    def _schedule_flush(self) -> None:
        # A reordering gap at the end of a burst would hold packets forever: release them after 60 ms.
        if self._jitter.holding and self._flush_handle is None:
            self._flush_handle = self._loop.call_later(0.06, self._flush)

    def _flush(self) -> None:
        self._flush_handle = None
        for ready in self._jitter.flush():
            self._deliver(ready.payload)

    def _queue(self, item: AudioFrame | Dtmf) -> bool:
        if self.inbound.put(item):
            return True
        if self.state == "confirmed" and self._hangup_task is None:  # flooded or the session is stuck: end it
            self._hangup_task = asyncio.create_task(self.hangup())
        return False

    def _bad(self, reason: str) -> None:
        self.bad_packets += 1
        if self.bad_packets in (1, 10, 100, 1000):  # log the first few, then sparsely: floods must not flood the log
            logger.warning("call %s: dropped RTP (%s), %d so far", self.info.call_id, reason, self.bad_packets)

    # --- Line ----------------------------------------------------------------

    async def recv(self) -> AudioFrame | Dtmf | None:
        """Return the next caller frame or digit; ``None`` once the call ended."""
        return await self.inbound.get()

    async def send(self, frame: AudioFrame) -> None:
        """Encode and transmit one frame as RTP now."""
        if self.state == "ended" or self._transport is None:
            return
        for chunk in self._outbound.push(frame):
            packet = self._sender.packet(self._encode(chunk), self.now_ms(), len(chunk) // 2)
            self._transport.sendto(packet.to_bytes(), (self.offer.address, self.offer.port))

    async def clear(self) -> None:
        """Drop the partial frame we hold; the next packet starts a new talk spurt."""
        self._outbound.clear()
        self._sender.new_spurt()

    def can_transfer(self, target: str) -> bool:
        """Return whether a REFER can work: a URI to send the caller to, and a far side that takes REFERs."""
        return bool(self._refer_uri(target)) and not self._refer_unsupported

    def _refer_uri(self, target: str) -> str:
        return target if target.startswith(("sip:", "sips:", "tel:")) else self._agent_uri

    async def transfer(self, target: str) -> bool:
        """REFER the caller to ``target`` (a SIP URI) or the configured agent URI; ``True`` once it connected.

        A ``202 Accepted`` only means the caller's side will try: the outcome comes in the NOTIFYs of the
        REFER's subscription (RFC 3515), so the call stays up until a final sipfrag status arrives (or
        ``refer_notify_timeout_s`` passes, which counts as a failure).
        """
        uri = self._refer_uri(target)
        if not uri or self.state != "confirmed":
            return False
        outcome = await self._refer_and_wait(uri)
        logger.log(logging.INFO if outcome.connected else logging.WARNING, "call %s: transfer to %s %s (%s)",
                   self.info.call_id, uri, "connected" if outcome.connected else "failed", outcome.reason)
        return outcome.connected

    async def _refer_and_wait(self, uri: str) -> ReferOutcome:
        watch = self._refer = ReferWatch()  # before sending: the first NOTIFY may overtake the 202
        try:
            request = self.request("REFER", [("Refer-To", f"<{uri}>"), ("Referred-By", f"<{self.local_uri}>")])
            try:
                reply = await asyncio.wait_for(self._send_request(self, request), REFER_TIMEOUT_S)
            except (TimeoutError, LineError) as err:
                return ReferOutcome(0, f"REFER not answered: {err or 'timeout'}")
            if not 200 <= reply.status < 300:
                self._refer_unsupported = reply.status in (405, 501)  # Method Not Allowed / Not Implemented
                return ReferOutcome(reply.status, f"REFER answered {reply.status} {reply.reason}")
            logger.info("call %s: REFER to %s answered %d, waiting for its NOTIFY", self.info.call_id, uri,
                        reply.status)
            return await watch.wait(self._refer_notify_timeout_s)
        finally:
            self._refer = None

    def on_notify(self, request: SipMessage) -> None:
        """Take a NOTIFY (already answered 200 OK): a REFER's progress or outcome."""
        if self._refer is not None and is_refer_notify(request):
            self._refer.on_notify(request)

    async def hangup(self) -> None:
        """Send BYE (if answered) and release the media socket."""
        if self.state == "confirmed":
            self.state = "ended"
            try:
                await asyncio.wait_for(self._send_request(self, self.request("BYE")), 4.0)
            except (TimeoutError, LineError) as err:
                logger.info("call %s: BYE not answered (%s)", self.info.call_id, err)
        self.on_end(self, "bot-hangup")

    def close(self, reason: str) -> None:
        """End the call locally: no more media either way."""
        if self.state != "ended":
            logger.info("call %s: ended (%s)", self.info.call_id, reason)
        self.state = "ended"
        self.acked.set()
        self.inbound.close()
        if self._refer is not None:  # hung up while a transfer was under way: no report will come
            self._refer.finish(ReferOutcome(0, f"call ended ({reason})"))
        if self._flush_handle is not None:
            self._flush_handle.cancel()
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    # --- dialog --------------------------------------------------------------

    @property
    def local_uri(self) -> str:
        """Return our contact URI."""
        return f"sip:voicebot@{self.local_host}:{self.local_port}"

    def request(self, method: str, extra: list[tuple[str, str]] | None = None) -> SipMessage:
        """Build an in-dialog request from us (the UAS) to the caller."""
        self._cseq += 1
        to = self.invite.get("From")
        contact = self.invite.get("Contact")
        target = uri_of(contact) if contact else uri_of(to)
        headers = [
            ("Via", f"SIP/2.0/UDP {self.local_host}:{self.local_port};branch=z9hG4bK{new_tag()};rport"),
            ("Max-Forwards", "70"),
            ("From", f"{self.invite.get('To')};tag={self.local_tag}"),
            ("To", to),
            ("Call-ID", self.invite.call_id),
            ("CSeq", f"{self._cseq} {method}"),
            ("Contact", f"<{self.local_uri}>"),
        ]
        return SipMessage(method=method, uri=target, headers=headers + (extra or []))
