"""The Twilio codec and mark ledger without a socket: the documented events in, exact events out, bad input typed."""

from __future__ import annotations

import asyncio
import base64
import json

import pytest
from aiohttp import WSMessage, WSMsgType

from tests.test_twilio import DTMF_1, MARK, START, STOP, STREAM, media
from voicebot.audio import AudioFrame, ulaw_decode, ulaw_encode
from voicebot.lines.line import Dtmf
from voicebot.lines.marks import MarkLedger
from voicebot.lines.twilio_codec import TwilioCodec, parse_json, parse_start
from voicebot.lines.ws_codec import HandshakeRefused, Ignored, MalformedMessage, MarkEcho, PeerHangup


def text(data: str) -> WSMessage:
    return WSMessage(WSMsgType.TEXT, data, None)


def test_decode_media_dtmf_mark_and_stop() -> None:
    codec = TwilioCodec(STREAM)
    pcm = ulaw_decode(ulaw_encode(bytes(range(256)) * 5))[:640]  # 40 ms, exact after one mu-law round trip
    frames = codec.decode(text(media(0, pcm)))
    assert [(f.pcm, f.rate, f.timestamp_ms) for f in frames if isinstance(f, AudioFrame)] == [
        (pcm[:320], 8000, 0), (pcm[320:], 8000, 20)]
    assert codec.decode(text(DTMF_1)) == [Dtmf("1", 40)]  # stamped with the caller audio so far
    assert codec.decode(text(MARK)) == [MarkEcho("reply-1")]
    assert codec.decode(text(STOP)) == [PeerHangup("Twilio stopped the stream")]
    outbound = json.loads(media(1, pcm))
    outbound["media"]["track"] = "outbound"
    assert codec.decode(text(json.dumps(outbound))) == []  # only the caller's track is heard
    assert codec.decode(text('{"event": "connected"}')) == []
    assert isinstance(codec.decode(WSMessage(WSMsgType.BINARY, b"\x00", None))[0], Ignored)


@pytest.mark.parametrize("data", [
    "not json", "[1, 2]", '{"no": "event"}', '{"event": "media", "media": {"payload": "!!!not base64"}}',
    '{"event": "media", "media": "a string"}', '{"event": "dtmf"}', '{"event": "mark", "mark": null}'])
def test_malformed_messages_raise_a_typed_error(data: str) -> None:
    with pytest.raises(MalformedMessage) as raised:
        TwilioCodec(STREAM).decode(text(data))
    assert raised.value.code == "twilio-malformed"


async def test_encode_exact_media_mark_and_clear() -> None:
    codec = TwilioCodec(STREAM)
    sent = codec.media(AudioFrame(b"\x00\x00" * 320, 16000))  # 16 kHz from the bot, 8 kHz mu-law out
    assert len(sent) == 1 and list(json.loads(sent[0])) == ["event", "streamSid", "media"]
    assert len(base64.b64decode(json.loads(sent[0])["media"]["payload"])) == 160
    assert codec.mark("bot-1") == '{"event":"mark","streamSid":"' + STREAM + '","mark":{"name":"bot-1"}}'
    assert codec.clear() == '{"event":"clear","streamSid":"' + STREAM + '"}'
    end = codec.media(AudioFrame(b"\x00\x00" * 100, 8000))  # an utterance's short last frame: padded out
    assert len(end) == 1 and len(base64.b64decode(json.loads(end[0])["media"]["payload"])) == 160


def test_parse_start_takes_the_token_and_numbers_out() -> None:
    message = parse_json(text(START))
    assert message is not None
    opened = parse_start(message, "", "test-token")
    assert opened.stream_sid == STREAM
    assert (opened.info.protocol, opened.info.calling_number, opened.info.called_number) == (
        "twilio", "+8613800138000", "12345")
    assert opened.info.extra == {"streamSid": STREAM, "lang": "zh-CN"}
    without = json.loads(START)
    del without["start"]["customParameters"]["token"]
    assert parse_start(without, "test-token", "test-token").stream_sid == STREAM  # the URL token
    with pytest.raises(HandshakeRefused) as refused:
        parse_start(without, "", "test-token")
    assert (refused.value.code, refused.value.close_code) == ("twilio-bad-token", 1008)
    with pytest.raises(HandshakeRefused) as refused:
        parse_start({"event": "start", "start": {"customParameters": ["x"]}}, "test-token", "test-token")
    assert (refused.value.code, refused.value.close_code) == ("twilio-bad-start", 1002)
    assert parse_json(WSMessage(WSMsgType.BINARY, b"{}", None)) is None and parse_json(text("[1]")) == {}


async def test_mark_ledger_settles_echoed_dropped_and_late_marks() -> None:
    ledger = MarkLedger()
    first_name, first = ledger.expect()
    second_name, second = ledger.expect()
    assert (first_name, second_name) == ("bot-1", "bot-2")
    ledger.echoed(first_name)
    ledger.drop()  # clear: the second will not count as played
    assert first.result() is True and second.result() is False
    third_name, third = ledger.expect()
    ledger.echoed(second_name)  # Twilio's late echo of the cleared mark
    assert not third.done() and list(ledger.played_marks) == ["bot-1", "bot-2"]
    ledger.echoed(third_name)
    assert await asyncio.wait_for(third, 1.0) is True
