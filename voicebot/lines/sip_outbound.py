"""A SIP call we placed (the bot as UAC), as a ``Line``: the same media and BYE handling as an answered ``SipCall``.

The dialog is the mirror of an answered one: our From carries our tag, the remote's To carries theirs, in-dialog
requests go to the Contact of their ``200 OK`` and continue our INVITE's CSeq.
"""

from __future__ import annotations

import asyncio
import functools
import socket

from voicebot.lines.rtp import RtpSender
from voicebot.lines.sdp import PCMU, Offer, build_answer, parse_offer
from voicebot.lines.sip_call import RtpEndpoint, SendRequest, SipCall
from voicebot.lines.sip_message import SipMessage

DTMF_PAYLOAD = 101
"""The payload type we offer for RFC 4733 telephone-events."""


def bind_rtp(host: str) -> socket.socket:
    """Bind the RTP socket before the INVITE (its port goes into our SDP offer)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, 0))
    sock.setblocking(False)
    return sock


def offer_sdp(host: str, port: int) -> bytes:
    """Return our SDP offer: PCMU and telephone-event/8000 (payload 101), 20 ms packets."""
    ours = Offer(host, port, (PCMU, DTMF_PAYLOAD), PCMU, "PCMU", DTMF_PAYLOAD)
    return build_answer(ours, host, port)


def mirrored(invite: SipMessage, ok: SipMessage) -> SipMessage:
    """Return the dialog as ``SipCall`` reads an INVITE: From is the far end (with its tag), To is us."""
    headers = [("From", ok.get("To")), ("To", invite.get("From").split(";tag=")[0]), ("Call-ID", invite.call_id),
               ("CSeq", invite.get("CSeq")), ("Via", invite.get("Via")), ("Contact", ok.get("Contact"))]
    return SipMessage(method="INVITE", uri=invite.uri, headers=headers, body=ok.body)


class OutboundCall(SipCall):
    """The answered 回访 call: media to the SDP answer of the citizen's phone, BYE either way."""

    def __init__(self, invite: SipMessage, ok: SipMessage, peer: tuple[str, int], local: tuple[str, int],
                 local_tag: str, send_request: SendRequest) -> None:
        answer = parse_offer(ok.body)  # the same checks as an offer: a unicast address, a port, G.711
        super().__init__(mirrored(invite, ok), peer, answer, local, send_request)
        self.local_tag = local_tag
        self.state = "confirmed"
        self.acked.set()
        self._cseq = invite.cseq[0]
        self._sender = RtpSender(answer.codec)

    async def adopt_rtp(self, sock: socket.socket) -> int:
        """Take over the RTP socket bound for the offer and return its port."""
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(functools.partial(RtpEndpoint, self), sock=sock)
        self._transport = transport
        self.rtp_port = int(transport.get_extra_info("sockname")[1])
        return self.rtp_port
