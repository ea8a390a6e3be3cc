"""Fuzz the SIP message, SDP and RTP parsers: anything a peer sends gives a parse or a typed ``LineError``.

Bounded (``max_examples``) and with a per-example deadline, so a parser that hangs (catastrophic regex
backtracking, an endless loop) fails the test instead of hanging CI.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicebot.errors import LineError
from voicebot.lines.rtp import DtmfDecoder, JitterBuffer, parse_rtp
from voicebot.lines.sdp import build_answer, parse_offer
from voicebot.lines.sip_message import parse, response, tag_of, uri_of, user_of

FUZZ = settings(max_examples=300, deadline=200, suppress_health_check=[HealthCheck.too_slow])

TOKEN = st.text(st.sampled_from("abcSIP/2.0 :;<>@=,\"\t\r\n0123456789-_.~%\x00é中"), max_size=40)
HEADERS = ("Via", "v", "From", "f", "To", "t", "Call-ID", "i", "CSeq", "Contact", "m", "Content-Length", "l",
           "Content-Type", "Max-Forwards", "X-Junk")  # fmt: skip


T = TypeVar("T")


def expect_typed(code_prefix: str, call: Callable[[bytes], T], data: bytes) -> T | None:
    """Call; a failure must be a LineError with a code of the module and a readable message."""
    try:
        return call(data)
    except LineError as err:
        assert err.code.startswith(code_prefix) and err.message, err
        return None


@st.composite
def sip_like(draw: st.DrawFn) -> bytes:
    """A datagram that looks like SIP: plausible start line, a mix of real and broken headers, a body."""
    start = draw(st.sampled_from(["INVITE sip:12345@h SIP/2.0", "SIP/2.0 200 OK", "BYE sip:x SIP/2.0",
                                  "INVITE  SIP/2.0", "SIP/2.0 abc OK", "invite sip:a SIP/2.0", ""]))  # fmt: skip
    start = draw(st.one_of(st.just(start), TOKEN))
    lines = [start]
    for _ in range(draw(st.integers(0, 12))):
        name = draw(st.one_of(st.sampled_from(HEADERS), TOKEN))
        sep = draw(st.sampled_from([": ", ":", " : ", "", "\r\n "]))
        lines.append(f"{name}{sep}{draw(TOKEN)}")
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    body = draw(st.binary(max_size=200))
    return (newline.join(lines) + newline + newline).encode("utf-8", "surrogatepass") + body


@FUZZ
@given(st.one_of(st.binary(max_size=1500), sip_like()))
def test_sip_parser_parses_or_raises_line_error(data: bytes) -> None:
    message = expect_typed("sip-", parse, data)
    if message is None:
        return
    assert message.is_request != (message.status is not None and not message.method)
    _ = message.cseq, message.call_id  # accessors on a parsed message never raise
    for name in ("From", "To", "Contact"):
        value = message.get(name)
        assert isinstance(tag_of(value) + uri_of(value) + user_of(value), str)
    reparsed = parse(message.to_bytes()) if message.method else None
    assert reparsed is None or reparsed.call_id == message.call_id
    if message.method:
        assert response(message, 200, "tag").status == 200


@st.composite
def sdp_like(draw: st.DrawFn) -> bytes:
    """An SDP body: real line types with fuzzed values, in fuzzed order."""
    choices = [
        "v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1", "c=", "c=IN IP6", "t=0 0",
        "m=audio 4000 RTP/AVP 0 8 101", "m=audio x RTP/AVP 0", "m=audio 4000 RTP/AVP", "m=video 5000 RTP/AVP 96",
        "m=audio 4000/2 RTP/AVP 18", "a=rtpmap:101 telephone-event/8000", "a=rtpmap:0 PCMU/8000", "a=rtpmap:x",
        "a=sendrecv", "m=audio 99999999999999999999 RTP/AVP 0", "m=audio -5 RTP/AVP 0 -1",
    ]  # fmt: skip
    lines = draw(st.lists(st.one_of(st.sampled_from(choices), TOKEN), max_size=14))
    return "\r\n".join(lines).encode("utf-8", "surrogatepass")


@FUZZ
@given(st.one_of(st.binary(max_size=600), sdp_like()))
def test_sdp_offer_parses_or_raises_line_error(body: bytes) -> None:
    offer = expect_typed("sdp-", parse_offer, body)
    if offer is None:
        return
    assert offer.codec in offer.payloads
    assert b"m=audio" in build_answer(offer, "127.0.0.1", 10000, 1)


@st.composite
def rtp_like(draw: st.DrawFn) -> bytes:
    """An RTP datagram with fuzzed flags (CSRC count, extension, padding) and lengths."""
    first = draw(st.integers(0, 255))
    header = struct.pack("!BBHII", first, draw(st.integers(0, 255)), draw(st.integers(0, 65535)),
                         draw(st.integers(0, 2**32 - 1)), draw(st.integers(0, 2**32 - 1)))  # fmt: skip
    return header + draw(st.binary(max_size=200))


@FUZZ
@given(st.lists(st.one_of(st.binary(max_size=300), rtp_like()), max_size=30))
def test_rtp_packets_parse_or_raise_and_feed_the_jitter_buffer_and_dtmf(datagrams: list[bytes]) -> None:
    jitter, dtmf = JitterBuffer(), DtmfDecoder()
    released = 0
    parsed = 0
    for data in datagrams:
        packet = expect_typed("rtp-", parse_rtp, data)
        if packet is None:
            continue
        parsed += 1
        assert 0 <= packet.payload_type < 128 and len(packet.payload) <= len(data) - 12
        digit = dtmf.push(packet)
        assert digit is None or digit in "0123456789*#ABCD"
        released += len(jitter.push(packet))
    released += len(jitter.flush())
    assert released <= parsed
