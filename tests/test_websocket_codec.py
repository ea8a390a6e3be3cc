"""The plain WebSocket codec without a socket: metadata and its token, L16 both ways, events, bad input typed."""

from __future__ import annotations

import json

import pytest
from aiohttp import WSMessage, WSMsgType

from tests.test_websocket_media import META
from voicebot.audio import AudioFrame
from voicebot.lines.line import Dtmf
from voicebot.lines.websocket_codec import WebSocketCodec, parse_metadata
from voicebot.lines.ws_codec import HandshakeRefused, MalformedMessage, PeerHangup


def text(data: str) -> WSMessage:
    return WSMessage(WSMsgType.TEXT, data, None)


def test_metadata_makes_the_call() -> None:
    info = parse_metadata(text(json.dumps({**META, "lang": "zh-CN"})), "", "test-token")
    assert (info.protocol, info.rate, info.calling_number, info.called_number, info.protocol_call_id, info.lang) == (
        "websocket", 16000, "13800138000", "12345", "jambonz-call-7", "zh-CN")
    assert info.call_id.startswith("ws-")
    bare = {k: v for k, v in META.items() if k not in ("token", "sampleRate")}
    assert parse_metadata(text(json.dumps(bare)), "test-token", "test-token").rate == 8000  # URL/header token


@pytest.mark.parametrize(("first", "code", "close_code"), [
    (text(json.dumps({**META, "token": "nope"})), "websocket-bad-token", 1008),
    (text(json.dumps({**META, "token": ""})), "websocket-bad-token", 1008),
    (text(json.dumps({**META, "sampleRate": 11025})), "websocket-bad-metadata", 1002),
    (text('{"sampleRate": Infinity}'), "websocket-bad-metadata", 1002),
    (text('{"sampleRate": "fast"}'), "websocket-bad-metadata", 1002),
    (text("[1]"), "websocket-bad-metadata", 1002),
    (WSMessage(WSMsgType.BINARY, b"\x00" * 640, None), "websocket-bad-metadata", 1002)])
def test_bad_metadata_is_refused_with_its_close_code(first: WSMessage, code: str, close_code: int) -> None:
    with pytest.raises(HandshakeRefused) as refused:
        parse_metadata(first, "", "test-token")
    assert (refused.value.code, refused.value.close_code) == (code, close_code)


def test_decode_reframes_audio_and_reads_digits_and_hangup() -> None:
    codec = WebSocketCodec(16000)
    assert codec.decode(WSMessage(WSMsgType.BINARY, b"\x01\x00" * 500, None)) == [
        AudioFrame(b"\x01\x00" * 320, 16000, 0)]  # 1000 bytes: one 640-byte frame, 360 held for the next
    assert [f.timestamp_ms for f in codec.decode(WSMessage(WSMsgType.BINARY, b"\x01\x00" * 500, None))] == [20, 40]
    assert codec.decode(text('{"type": "dtmf", "digit": "57"}')) == [Dtmf("5", 60)]
    assert codec.decode(text('{"type": "hangup"}')) == codec.decode(text('{"type": "stop"}')) == [
        PeerHangup("the peer hung up")]


@pytest.mark.parametrize("data", ['{"type": "bogus"}', "not json", '{"type": "dtmf"}', "[1]"])
def test_bad_messages_raise_a_typed_error(data: str) -> None:
    with pytest.raises(MalformedMessage) as raised:
        WebSocketCodec(8000).decode(text(data))
    assert raised.value.code == "websocket-malformed"


def test_encode_audio_at_the_line_rate_and_events() -> None:
    codec = WebSocketCodec(16000)
    chunks = codec.audio(AudioFrame(b"\x01\x00" * 160, 8000))  # 8 kHz from the bot, 16 kHz on the wire
    assert [len(chunk) for chunk in chunks] == [640]
    assert codec.event({"type": "partial", "text": "你好"}) == '{"type": "partial", "text": "你好"}'
    assert codec.clear() == '{"type": "clear"}'
