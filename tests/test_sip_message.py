"""SIP message parsing/building and SDP offer/answer, against RFC 3261/4566 examples."""

from __future__ import annotations

import pytest

from voicebot.errors import LineError
from voicebot.lines import sdp
from voicebot.lines.sip_message import caller_of, parse, response, tag_of, uri_of, user_of

# Adapted from RFC 3261 section 24.2 (F1), with compact headers and two Vias on one line.
INVITE = (
    b"INVITE sip:12345@voicebot.example.com SIP/2.0\r\n"
    b"v: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8, SIP/2.0/UDP proxy;branch=z9hG4bK77\r\n"
    b"Max-Forwards: 70\r\n"
    b"t: <sip:12345@voicebot.example.com>\r\n"
    b'f: "Alice" <sip:13800138000@atlanta.com>;tag=1928301774\r\n'
    b"i: a84b4c76e66710\r\n"
    b"CSeq: 314159 INVITE\r\n"
    b"m: <sip:alice@pc33.atlanta.com>\r\n"
    b"Subject: folded\r\n  continuation\r\n"
    b"c: application/sdp\r\n"
    b"l: 159\r\n"
    b"\r\n"
    b"v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.com\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
    b"m=audio 49172 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
)


def test_parse_compact_headers_and_multi_via() -> None:
    message = parse(INVITE)
    assert message.method == "INVITE" and message.uri == "sip:12345@voicebot.example.com"
    assert message.call_id == "a84b4c76e66710"
    assert message.cseq == (314159, "INVITE")
    assert message.get_all("Via") == ["SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8",
                                      "SIP/2.0/UDP proxy;branch=z9hG4bK77"]
    assert message.get("Subject") == "folded continuation"
    assert len(message.body) == 159
    assert user_of(message.get("From")) == "13800138000"
    assert user_of(message.get("To")) == "12345"
    assert tag_of(message.get("From")) == "1928301774"
    assert uri_of(message.get("Contact")) == "sip:alice@pc33.atlanta.com"


def test_the_calling_number_is_the_asserted_identity_when_the_switch_gives_one() -> None:
    assert caller_of(parse(INVITE)) == "13800138000"  # From only
    asserted = INVITE.replace(b"i: a84b", b'P-Asserted-Identity: "Alice" <sip:+8613900139000@ims.example>, '
                                         b"<tel:+8613900139000>\r\ni: a84b")  # fmt: skip
    assert caller_of(parse(asserted)) == "+8613900139000"
    anonymous = INVITE.replace(b"sip:13800138000@atlanta.com", b"sip:anonymous@anonymous.invalid")
    assert caller_of(parse(anonymous)) == "anonymous"


def test_response_copies_vias_and_tags_to() -> None:
    reply = response(parse(INVITE), 180, to_tag="abc").to_bytes()
    text = reply.decode()
    assert text.startswith("SIP/2.0 180 Ringing\r\n")
    assert text.count("Via: ") == 2 and "branch=z9hG4bKnashds8" in text.split("\r\n")[1]
    assert "To: <sip:12345@voicebot.example.com>;tag=abc\r\n" in text
    assert "CSeq: 314159 INVITE\r\n" in text and text.endswith("Content-Length: 0\r\n\r\n")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"HELLO\r\n\r\n", "sip-bad-message"),
        (b"INVITE sip:x SIP/2.0\r\nCall-ID: 1\r\n\r\n", "sip-bad-message"),  # no Via/CSeq/From/To
        (INVITE.replace(b"l: 159", b"l: 9999"), "sip-bad-message"),  # body shorter than Content-Length
        (INVITE.replace(b"Max-Forwards: 70", b"Max-Forwards 70"), "sip-bad-message"),
        (b"\xff\xfe" * 100, "sip-bad-message"),
        (INVITE + b"x" * 20000, "sip-too-large"),
    ],
)
def test_malformed_messages_raise(data: bytes, code: str) -> None:
    with pytest.raises(LineError) as caught:
        parse(data)
    assert caught.value.code == code


def test_offer_picks_first_g711_and_telephone_event() -> None:
    offer = sdp.parse_offer(parse(INVITE).body)
    assert (offer.address, offer.port, offer.codec, offer.encoding, offer.dtmf_payload) == (
        "192.0.2.10", 49172, 8, "PCMA", 101)
    answer = sdp.build_answer(offer, "198.51.100.1", 30000, session_id=7).decode()
    assert "m=audio 30000 RTP/AVP 8 101\r\n" in answer
    assert "a=rtpmap:8 PCMA/8000\r\n" in answer and "a=rtpmap:101 telephone-event/8000\r\n" in answer
    assert "c=IN IP4 198.51.100.1\r\n" in answer and "a=ptime:20\r\n" in answer


def test_offer_without_g711_is_refused() -> None:
    body = b"v=0\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18 96\r\na=rtpmap:96 opus/48000/2\r\n"
    with pytest.raises(LineError) as caught:
        sdp.parse_offer(body)
    assert caught.value.code == "sdp-no-codec"


def test_media_level_connection_wins() -> None:
    body = b"v=0\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.99\r\n"
    offer = sdp.parse_offer(body)
    assert offer.address == "192.0.2.99" and offer.encoding == "PCMU" and offer.dtmf_payload is None
