"""A small SIP user agent server over UDP: answers INVITEs from allowed peers and hands each call to a session."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import time
from collections.abc import Coroutine
from typing import Any, cast

from voicebot.errors import LineError
from voicebot.lines.admission import CallSink, Reservation
from voicebot.lines.common import PeerFilter
from voicebot.lines.sdp import build_answer, holds, parse_offer
from voicebot.lines.sip_call import SipCall
from voicebot.lines.sip_message import SipMessage, parse, response
from voicebot.runtime.aio import cancel_and_wait

logger = logging.getLogger(__name__)

T1 = 0.5
"""RFC 3261 timer T1 (RTT estimate): first retransmission interval of our 200 OK and requests."""
T2 = 4.0
"""RFC 3261 timer T2: the longest retransmission interval."""
ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, REFER, NOTIFY"


class SipServer(asyncio.DatagramProtocol):
    """The SIP socket: transactions and dialogs of every call."""

    def __init__(self, sink: CallSink, peers: PeerFilter, public_host: str, rtp_ports: range | None = None,
                 answer_delay_ms: int = 0, agent_uri: str = "", refer_notify_timeout_s: float = 30.0) -> None:
        self.sink = sink
        self.peers = peers
        self.public_host = public_host
        self.rtp_ports = rtp_ports
        self.answer_delay_ms = answer_delay_ms
        self.agent_uri = agent_uri
        self.refer_notify_timeout_s = refer_notify_timeout_s
        self.calls: dict[str, SipCall] = {}
        self.draining = False
        self.port = 0
        self._transport: asyncio.DatagramTransport | None = None
        self._pending: dict[str, asyncio.Future[SipMessage]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._refused: dict[str, float] = {}
        self._reservations: dict[SipCall, Reservation] = {}
        """Places under the call limit held by calls still ringing."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Remember the socket."""
        self._transport = cast(asyncio.DatagramTransport, transport)  # the selector transport is not a subclass
        self.port = int(transport.get_extra_info("sockname")[1])

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        """Handle one SIP datagram; nothing a peer sends can raise out of here."""
        peer = (str(addr[0]), int(addr[1]))
        if not data.strip():
            return  # CRLF keep-alive (RFC 5626)
        try:
            message = parse(data)
        except LineError as err:
            logger.warning("SIP from %s:%d dropped: %s", peer[0], peer[1], err.message)
            return
        try:
            if not self.peers.allows(peer[0]):
                if self._should_log_refusal(peer[0]):
                    logger.warning("SIP %s from %s refused: peer not in sip_peers", message.method or "reply", peer[0])
                if message.is_request and message.method != "ACK":
                    self.reply(response(message, 403), peer)
                return
            if message.is_request:
                self._request(message, peer)
            else:
                self._response(message)
        except Exception:  # one broken message must not take the server down
            logger.exception("SIP %s from %s failed", message.method or message.status, peer[0])

    def error_received(self, exc: Exception) -> None:
        """Log ICMP errors."""
        logger.debug("SIP socket error %s", exc)

    def _should_log_refusal(self, host: str) -> bool:
        # Scanners send thousands of INVITEs: log each refused address at most once a minute.
        now = time.monotonic()
        if len(self._refused) > 1000:
            self._refused.clear()
        if now - self._refused.get(host, -60.0) < 60.0:
            return False
        self._refused[host] = now
        return True

    def reply(self, message: SipMessage, peer: tuple[str, int]) -> bytes:
        """Send a message to a peer and return its bytes."""
        data = message.to_bytes()
        if self._transport is not None:
            self._transport.sendto(data, peer)
        return data

    # --- requests --------------------------------------------------------------

    def _request(self, request: SipMessage, peer: tuple[str, int]) -> None:
        call = self.calls.get(request.call_id)
        method = request.method
        if method == "INVITE":
            self._invite(request, peer, call)
        elif method == "ACK":
            if call is not None:
                call.acked.set()
                if call.state == "early":
                    call.state = "confirmed"
        elif method == "OPTIONS" and call is None:
            self.reply(response(request, 200, extra=[("Allow", ALLOW), ("Accept", "application/sdp")]), peer)
        elif call is None:
            self.reply(response(request, 481), peer)
        elif method == "BYE":
            self.reply(response(request, 200), peer)
            self._end(call, "caller-hangup")
        elif method == "CANCEL":
            self.reply(response(request, 200), peer)
            if call.state == "early" and not call.last_response.startswith(b"SIP/2.0 200"):
                self.reply(response(call.invite, 487, call.local_tag), peer)
                self._end(call, "caller-cancel")
        elif method == "INFO":
            self.reply(response(request, 200), peer)
            call.on_info(request)
        elif method == "NOTIFY":  # a REFER's progress (RFC 3515): always 200 OK, then let the call read it
            self.reply(response(request, 200), peer)
            call.on_notify(request)
        elif method == "OPTIONS":
            self.reply(response(request, 200), peer)
        else:
            self.reply(response(request, 501, extra=[("Allow", ALLOW)]), peer)

    def _invite(self, request: SipMessage, peer: tuple[str, int], call: SipCall | None) -> None:
        if call is not None:
            if call.invite.cseq == request.cseq and call.last_response:  # retransmission
                self._send_raw(call.last_response, peer)
            else:  # re-INVITE (session refresh, hold): keep our answer
                if request.body:
                    call.set_held(holds(request.body))
                self.reply(response(request, 200, call.local_tag, self._contact(call), call.answer_sdp), peer)
            return
        try:
            offer = parse_offer(request.body)
        except LineError as err:
            logger.warning("INVITE %s from %s refused: %s", request.call_id, peer[0], err.message)
            self.reply(response(request, 488), peer)
            return
        # The place is taken now, while the call rings: taking it at answer time let a burst past max_calls.
        reservation = None if self.draining else self.sink.reserve("sip")
        if reservation is None:
            logger.warning("INVITE %s from %s refused: %s", request.call_id, peer[0],
                           "shutting down" if self.draining else "call limit")
            self.reply(response(request, 503, extra=[("Retry-After", "30")]), peer)
            return
        self.reply(response(request, 100), peer)
        host = advertised_host(self.public_host, peer[0])
        call = SipCall(request, peer, offer, (host, self.port), self.send_request, self.agent_uri,
                       self.refer_notify_timeout_s)
        call.on_end = self._end
        self.calls[request.call_id] = call
        self._reservations[call] = reservation
        self._spawn(self._answer(call))

    async def _answer(self, call: SipCall) -> None:
        try:
            await self._ring_and_answer(call)
        finally:
            self._release(call)  # a call that never started gives its place back (a no-op once started)

    async def _ring_and_answer(self, call: SipCall) -> None:
        try:
            port = await call.open_rtp(self._bind_host(), self.rtp_ports)
        except LineError as err:
            logger.error("call %s: %s", call.info.call_id, err.message)
            self.reply(response(call.invite, 503, call.local_tag), call.peer)
            self._end(call, "no-rtp-port")
            return
        call.answer_sdp = build_answer(call.offer, call.local_host, port)
        call.last_response = self.reply(response(call.invite, 180, call.local_tag, self._contact(call)), call.peer)
        if self.answer_delay_ms:
            await asyncio.sleep(self.answer_delay_ms / 1000)
        if call.state != "early":
            return  # cancelled while ringing
        ok = response(call.invite, 200, call.local_tag,
                      self._contact(call) + [("Content-Type", "application/sdp"), ("Allow", ALLOW)], call.answer_sdp)
        call.last_response = self.reply(ok, call.peer)
        logger.info("call %s answered: SIP Call-ID %s from %s, %s", call.info.call_id, call.invite.call_id,
                    call.peer[0], call.offer.encoding)
        call.state = "confirmed"
        self.sink.start(call, self._reservations.pop(call))
        self._spawn(self._retransmit_ok(call))

    async def _retransmit_ok(self, call: SipCall) -> None:
        interval, waited = T1, 0.0
        while waited < 64 * T1:
            try:
                await asyncio.wait_for(call.acked.wait(), interval)
                return
            except TimeoutError:
                waited += interval
                interval = min(2 * interval, T2)
                if call.state != "ended":
                    self._send_raw(call.last_response, call.peer)
        logger.warning("call %s: no ACK for 200 OK, hanging up", call.info.call_id)
        await call.hangup()

    def _contact(self, call: SipCall) -> list[tuple[str, str]]:
        return [("Contact", f"<{call.local_uri}>")]

    def _bind_host(self) -> str:
        if self._transport is None:
            return "0.0.0.0"
        return str(self._transport.get_extra_info("sockname")[0])

    def _end(self, call: SipCall, reason: str) -> None:
        call.close(reason)
        self.calls.pop(call.invite.call_id, None)
        self._release(call)

    def _release(self, call: SipCall) -> None:
        reservation = self._reservations.pop(call, None)
        if reservation is not None:
            self.sink.release(reservation)

    # --- our requests and their responses ---------------------------------------

    async def send_request(self, call: SipCall, request: SipMessage) -> SipMessage:
        """Send an in-dialog request, retransmitting per RFC 3261 timer rules, and return its final response."""
        branch = branch_of(request.get("Via"))
        future: asyncio.Future[SipMessage] = asyncio.get_running_loop().create_future()
        self._pending[branch] = future
        data = request.to_bytes()
        interval = T1
        try:
            while True:
                self._send_raw(data, call.peer)
                try:
                    reply = await asyncio.wait_for(asyncio.shield(future), interval)
                except TimeoutError:
                    interval = min(2 * interval, T2)
                    continue
                if request.method == "BYE":
                    self._end(call, "bot-hangup")
                return reply
        finally:
            self._pending.pop(branch, None)

    def _response(self, message: SipMessage) -> None:
        future = self._pending.get(branch_of(message.get("Via")))
        if future is not None and not future.done() and message.status >= 200:
            future.set_result(message)

    def _send_raw(self, data: bytes, peer: tuple[str, int]) -> None:
        if self._transport is not None and data:
            self._transport.sendto(data, peer)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Hang up every call still up and close the socket."""
        self.draining = True
        await asyncio.gather(*(call.hangup() for call in list(self.calls.values())), return_exceptions=True)
        await cancel_and_wait(*self._tasks)
        if self._transport is not None:
            self._transport.close()


def branch_of(via: str) -> str:
    """Return the ``branch`` parameter of a Via value (the transaction it belongs to)."""
    match = re.search(r";\s*branch=([^;\s,]+)", via)
    return match.group(1) if match else via


def parse_port_range(spec: str) -> range | None:
    """Parse ``"20000-20999"`` into a range (empty: ``None``, i.e. ephemeral ports)."""
    if not spec.strip():
        return None
    low, _, high = spec.partition("-")
    return range(int(low), int(high or low) + 1)


def advertised_host(configured: str, peer: str) -> str:
    """Return the address to put in SDP and Contact: the configured one, or (listening on all) the route to ``peer``."""
    if configured not in ("", "0.0.0.0", "::"):
        return configured
    family = socket.AF_INET6 if ":" in peer else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        probe.connect((peer, 9))  # no packet is sent: this only asks the kernel which source address it would use
        return str(probe.getsockname()[0])
