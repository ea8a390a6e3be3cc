"""The bot as a SIP user agent client over UDP: INVITE (and REGISTER) through a trunk, digest auth, CANCEL, BYE."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field

from voicebot.errors import LineError
from voicebot.lines.sdp import holds
from voicebot.lines.sip import T1, T2, branch_of
from voicebot.lines.sip_call import SipCall
from voicebot.lines.sip_digest import authorization, challenge_of
from voicebot.lines.sip_message import SipMessage, new_tag, parse, response, uri_of
from voicebot.lines.sip_outbound import OutboundCall, bind_rtp, offer_sdp
from voicebot.runtime.redact import mask

logger = logging.getLogger(__name__)

_OUTCOMES = {486: "busy", 600: "busy", 480: "no-answer", 408: "no-answer", 487: "no-answer", 603: "declined",
             401: "auth-failed", 407: "auth-failed"}
RETRYABLE = frozenset({"busy", "no-answer", "declined", "unavailable"})
"""Outcomes worth another attempt later (a wrong number or refused credentials are not)."""


def outcome_of(status: int) -> str:
    """Return what a final INVITE status means for the 回访 (``busy``, ``no-answer``, ``declined``...)."""
    if 200 <= status < 300:
        return "answered"
    return _OUTCOMES.get(status, "unavailable" if status >= 500 or status == 0 else "failed")


@dataclass(frozen=True, slots=True)
class Trunk:
    """Where calls go and how we prove who we are."""

    uri: str
    """``sip:host[:port]`` of the trunk/proxy; the called number becomes its user part."""
    caller_id: str = "12345"
    """User part of our From."""
    username: str = ""
    """Digest user (empty: no credentials; a 401/407 then fails the call)."""
    password: str = field(default="", repr=False)
    """Digest password (never logged)."""
    registrar_uri: str = ""
    """``sip:host[:port]`` to REGISTER with (empty: none)."""
    register_expires_s: int = 600
    """REGISTER ``Expires``."""

    def address(self, uri: str = "") -> tuple[str, int]:
        """Return host and port of ``uri`` (default: the trunk)."""
        match = re.match(r"sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;>]+)(?::(\d+))?", uri or self.uri)
        if match is None:
            raise LineError("sip-bad-uri", f"cannot read a host in {uri or self.uri!r}")
        return match.group(1).strip("[]"), int(match.group(2) or 5060)


@dataclass(frozen=True, slots=True)
class DialResult:
    """How a placed call went."""

    status: int
    """Final SIP status of the INVITE (0: no answer at all)."""
    outcome: str
    """``answered``, ``busy``, ``no-answer``, ``declined``, ``unavailable``, ``auth-failed``, ``failed``."""
    call: OutboundCall | None = None
    """The answered call."""


class SipClient(asyncio.DatagramProtocol):
    """One UDP socket placing calls; answers the in-dialog requests of its calls (BYE, INFO)."""

    def __init__(self, trunk: Trunk, host: str) -> None:
        self.trunk = trunk
        self.host = host
        self.port = 0
        self.calls: dict[str, OutboundCall] = {}
        self._transport: asyncio.DatagramTransport | None = None
        self._waiting: dict[str, asyncio.Queue[SipMessage]] = {}

    async def open(self) -> None:
        """Bind the SIP socket on an ephemeral port of ``host``."""
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self, local_addr=(self.host, 0))

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Remember the socket."""
        self._transport = transport  # type: ignore[assignment]
        self.port = int(transport.get_extra_info("sockname")[1])

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        """Route a response to its transaction, answer a request of one of our calls."""
        if not data.strip():
            return
        try:
            message = parse(data)
        except LineError as err:
            logger.warning("SIP from %s dropped: %s", addr[0], err.message)
            return
        if not message.is_request:
            queue = self._waiting.get(branch_of(message.get("Via")))
            if queue is not None:
                queue.put_nowait(message)
            return
        peer = (str(addr[0]), int(addr[1]))
        call = self.calls.get(message.call_id)
        if message.method == "ACK":
            return
        if call is None:
            self._send(response(message, 481), peer)
        elif message.method == "BYE":
            self._send(response(message, 200), peer)
            self._end(call, "callee-hangup")
        elif message.method == "INVITE":  # re-INVITE (refresh, hold): keep our offer
            if message.body:
                call.set_held(holds(message.body))
            self._send(response(message, 200, extra=[("Contact", f"<{call.local_uri}>"),
                                                     ("Content-Type", "application/sdp")], body=call.answer_sdp), peer)
        elif message.method in ("INFO", "OPTIONS", "NOTIFY", "CANCEL"):
            self._send(response(message, 200), peer)
            if message.method == "INFO":
                call.on_info(message)
        else:
            self._send(response(message, 501), peer)

    def _send(self, message: SipMessage, peer: tuple[str, int]) -> None:
        if self._transport is not None:
            self._transport.sendto(message.to_bytes(), peer)

    def _end(self, call: SipCall, reason: str) -> None:
        call.close(reason)
        self.calls.pop(call.invite.call_id, None)

    def _request(self, method: str, uri: str, call_id: str, cseq: int, from_tag: str, to: str,
                 extra: list[tuple[str, str]], body: bytes = b"", from_user: str = "") -> SipMessage:
        host = self.trunk.address()[0]
        headers = [("Via", f"SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bK{new_tag()};rport"),
                   ("Max-Forwards", "70"),
                   ("From", f"<sip:{from_user or self.trunk.caller_id}@{host}>;tag={from_tag}"), ("To", to),
                   ("Call-ID", call_id), ("CSeq", f"{cseq} {method}"),
                   ("Contact", f"<sip:{from_user or self.trunk.caller_id}@{self.host}:{self.port}>")]
        return SipMessage(method=method, uri=uri, headers=headers + extra, body=body)

    async def transaction(self, request: SipMessage, peer: tuple[str, int]) -> SipMessage:
        """Send a non-INVITE request (retransmitting: RFC 3261 timer E) and return its final response."""
        queue: asyncio.Queue[SipMessage] = asyncio.Queue()
        branch = branch_of(request.get("Via"))
        self._waiting[branch] = queue
        loop = asyncio.get_running_loop()
        give_up, interval = loop.time() + 64 * T1, T1
        try:
            while loop.time() < give_up:
                self._send(request, peer)
                try:
                    reply = await asyncio.wait_for(queue.get(), interval)
                except TimeoutError:
                    interval = min(2 * interval, T2)
                    continue
                while reply.status < 200:
                    reply = await asyncio.wait_for(queue.get(), max(0.1, give_up - loop.time()))
                return reply
            raise LineError("sip-timeout", f"no answer to {request.method}")
        finally:
            self._waiting.pop(branch, None)

    async def send_request(self, call: SipCall, request: SipMessage) -> SipMessage:
        """Send an in-dialog request of ``call`` (BYE): the call ends once it is answered."""
        try:
            return await self.transaction(request, call.peer)
        finally:
            if request.method == "BYE":
                self._end(call, "bot-hangup")

    async def register(self) -> int:
        """REGISTER with the registrar (answering one digest challenge); return the final status."""
        trunk = self.trunk
        uri = trunk.registrar_uri
        domain = trunk.address(uri)[0]
        aor = f"<sip:{trunk.username}@{domain}>"
        call_id, tag = f"{new_tag()}@{self.host}", new_tag()
        extra = [("Expires", str(trunk.register_expires_s))]
        reply = SipMessage()
        for cseq in (1, 2):
            request = self._request("REGISTER", uri, call_id, cseq, tag, aor, extra, from_user=trunk.username)
            reply = await self.transaction(request, trunk.address(uri))
            if reply.status not in (401, 407) or cseq == 2 or not trunk.username:
                break
            challenge = challenge_of(reply.status, reply.headers)
            extra = [("Expires", str(trunk.register_expires_s)),
                     authorization(challenge, trunk.username, trunk.password, "REGISTER", uri)]
        logger.info("REGISTER with %s: %d %s", uri, reply.status, reply.reason)
        return reply.status

    async def dial(self, number: str, ring_timeout_s: float) -> DialResult:
        """Call ``number`` through the trunk; CANCEL after ``ring_timeout_s`` of ringing."""
        host, port = self.trunk.address()
        uri = f"sip:{number}@{host}:{port}"
        call_id, tag = f"{new_tag()}@{self.host}", new_tag()
        sock = bind_rtp(self.host)
        body = offer_sdp(self.host, int(sock.getsockname()[1]))
        deadline = asyncio.get_running_loop().time() + ring_timeout_s
        auth: list[tuple[str, str]] = []
        try:
            for cseq in (1, 2):
                invite = self._request("INVITE", uri, call_id, cseq, tag, f"<{uri}>",
                                       [("Content-Type", "application/sdp"), *auth], body)
                reply, cancelled = await self._invite(invite, (host, port), deadline)
                if reply.status in (401, 407) and cseq == 1 and self.trunk.username:
                    challenge = challenge_of(reply.status, reply.headers)
                    auth = [authorization(challenge, self.trunk.username, self.trunk.password, "INVITE", uri)]
                    continue
                break
        except BaseException:
            sock.close()
            raise
        logger.info("回访 call to %s: %d %s", mask(number), reply.status, reply.reason)
        if not 200 <= reply.status < 300:
            sock.close()
            return DialResult(reply.status, outcome_of(reply.status))
        call = OutboundCall(invite, reply, (host, port), (self.host, self.port), tag, self.send_request)
        call.on_end = self._end
        await call.adopt_rtp(sock)
        call.answer_sdp = body  # what a re-INVITE is answered with
        self.calls[call_id] = call
        self._ack(invite, reply, (host, port), new_branch=True)
        if cancelled:  # answered as our CANCEL crossed it: hang up at once
            await call.hangup()
            return DialResult(487, "no-answer")
        return DialResult(reply.status, "answered", call)

    async def _invite(self, invite: SipMessage, peer: tuple[str, int], deadline: float) -> tuple[SipMessage, bool]:
        """Run one INVITE client transaction: retransmit until a provisional response, CANCEL at ``deadline``."""
        queue: asyncio.Queue[SipMessage] = asyncio.Queue()
        branch = branch_of(invite.get("Via"))
        self._waiting[branch] = queue
        loop = asyncio.get_running_loop()
        give_up, interval, ringing, cancelled = 0.0, T1, False, False
        try:
            self._send(invite, peer)
            while True:
                now = loop.time()
                if cancelled:
                    timeout = give_up - now
                elif ringing:
                    timeout = deadline - now
                else:  # RFC 3261 timer A: retransmit until the far side answers at all
                    timeout = min(interval, deadline - now)
                try:
                    reply = await asyncio.wait_for(queue.get(), max(0.01, timeout))
                except TimeoutError:
                    now = loop.time()
                    if cancelled:
                        if now >= give_up:
                            return SipMessage(status=408, reason="Request Timeout"), True
                    elif now >= deadline:
                        if not ringing:  # nothing to CANCEL (RFC 3261 9.1: only after a provisional response)
                            return SipMessage(status=408, reason="Request Timeout"), False
                        self._send(self._cancel(invite), peer)
                        cancelled, give_up = True, now + 64 * T1
                    elif not ringing:
                        self._send(invite, peer)
                        interval = min(2 * interval, T2)
                    continue
                if reply.cseq[1] != "INVITE":
                    continue  # the 200 to our CANCEL
                if reply.status < 200:
                    ringing = True
                    continue
                if reply.status >= 300:
                    self._ack(invite, reply, peer, new_branch=False)
                return reply, cancelled
        finally:
            self._waiting.pop(branch, None)

    def _cancel(self, invite: SipMessage) -> SipMessage:
        headers = [(k, v) for k, v in invite.headers if k in ("Via", "From", "To", "Call-ID", "Max-Forwards")]
        headers.append(("CSeq", f"{invite.cseq[0]} CANCEL"))
        return SipMessage(method="CANCEL", uri=invite.uri, headers=headers)

    def _ack(self, invite: SipMessage, reply: SipMessage, peer: tuple[str, int], new_branch: bool) -> None:
        """ACK a final response: a 2xx in a new transaction to its Contact, others hop-by-hop on the INVITE's branch."""
        via = invite.get("Via")
        if new_branch:
            via = f"SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bK{new_tag()};rport"
        headers = [("Via", via), ("Max-Forwards", "70"), ("From", invite.get("From")), ("To", reply.get("To")),
                   ("Call-ID", invite.call_id), ("CSeq", f"{invite.cseq[0]} ACK")]
        target = uri_of(reply.get("Contact")) if new_branch and reply.get("Contact") else invite.uri
        self._send(SipMessage(method="ACK", uri=target, headers=headers), peer)

    async def close(self) -> None:
        """Hang up every call and close the socket."""
        await asyncio.gather(*(call.hangup() for call in list(self.calls.values())), return_exceptions=True)
        if self._transport is not None:
            self._transport.close()
