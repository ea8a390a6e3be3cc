"""RTP packets (RFC 3550), the jitter buffer and RFC 4733 DTMF events, byte-exact."""

from __future__ import annotations

import pytest

from voicebot.errors import LineError
from voicebot.lines.rtp import DtmfDecoder, JitterBuffer, RtpPacket, RtpSender, dtmf_payload, parse_rtp


def test_packet_bytes_exact() -> None:
    packet = RtpPacket(0, 0x1234, 0xDEADBEEF, 0x01020304, b"\xff" * 4, marker=True)
    assert packet.to_bytes() == bytes.fromhex("80801234deadbeef01020304ffffffff")
    assert parse_rtp(packet.to_bytes()) == packet


def test_parse_skips_csrc_extension_and_padding() -> None:
    header = bytes.fromhex("b1080001000000a000000007")  # V=2 P=1 X=1 CC=1, PT 8
    csrc = bytes.fromhex("0000000a")
    extension = bytes.fromhex("bede0001") + bytes.fromhex("11223344")
    data = header + csrc + extension + b"\xd5\xd5" + b"\x00\x02"  # 2 bytes payload, 2 bytes padding
    packet = parse_rtp(data)
    assert packet.payload_type == 8 and packet.sequence == 1 and packet.timestamp == 160
    assert packet.payload == b"\xd5\xd5"


@pytest.mark.parametrize("data", [b"", b"\x80\x00", bytes.fromhex("40000001000000a000000007"),
                                  bytes.fromhex("8f000001000000a000000007")])
def test_truncated_or_bad_version_raise(data: bytes) -> None:
    with pytest.raises(LineError) as caught:
        parse_rtp(data)
    assert caught.value.code == "rtp-bad-packet"


def _p(seq: int) -> RtpPacket:
    return RtpPacket(0, seq & 0xFFFF, seq * 160, 1, bytes([seq & 0xFF]))


def test_jitter_buffer_reorders_and_drops_late_and_duplicates() -> None:
    buffer = JitterBuffer(depth=3)
    out: list[int] = []
    for seq in (10, 12, 11, 13, 11, 9, 14):
        out += [p.sequence for p in buffer.push(_p(seq))]
    assert out == [10, 11, 12, 13, 14]
    assert buffer.late == 2


def test_jitter_buffer_skips_a_gap_that_never_fills_and_wraps() -> None:
    buffer = JitterBuffer(depth=2)
    out: list[int] = []
    for seq in (65534, 65535, 1, 2, 3):  # 0 is lost across the wrap
        out += [p.sequence for p in buffer.push(_p(seq))]
    assert out == [65534, 65535, 1, 2, 3]
    assert buffer.lost == 1


def test_jitter_buffer_flush_releases_in_order() -> None:
    buffer = JitterBuffer(depth=5)
    assert [p.sequence for p in buffer.push(_p(1))] == [1]
    buffer.push(_p(4))
    buffer.push(_p(3))
    assert buffer.holding
    assert [p.sequence for p in buffer.flush()] == [3, 4]


def test_dtmf_events_reported_once_despite_retransmitted_end() -> None:
    decoder = DtmfDecoder()
    digits = []
    # RFC 4733 figure: one event (digit 5) updated every 50 ms, end sent three times, same timestamp.
    for duration, end in ((400, False), (800, False), (1200, False), (1600, True), (1600, True), (1600, True)):
        packet = RtpPacket(101, 1, 8000, 9, dtmf_payload(5, end, duration), marker=duration == 400)
        digits.append(decoder.push(packet))
    assert digits == ["5", None, None, None, None, None]
    assert decoder.push(RtpPacket(101, 7, 16000, 9, dtmf_payload(11, False, 400))) == "#"
    assert decoder.push(RtpPacket(101, 8, 24000, 9, dtmf_payload(0, True, 400))) == "0"  # start packets lost
    assert decoder.push(RtpPacket(101, 9, 24000, 9, b"\x00")) is None  # truncated payload
    assert dtmf_payload(1, True, 0x0320, volume=10) == bytes.fromhex("018a0320")


def test_sender_numbers_packets_and_marks_talk_spurts() -> None:
    sender = RtpSender(0)
    first = sender.packet(b"\xff" * 160, 0.0, 160)
    second = sender.packet(b"\xff" * 160, 20.0, 160)
    assert first.marker and not second.marker
    assert second.sequence == (first.sequence + 1) & 0xFFFF
    assert second.timestamp == first.timestamp + 160
    assert first.ssrc == second.ssrc
    late = sender.packet(b"\xff" * 160, 100.0, 160)  # 60 ms late (a busy loop): still the same talk spurt
    assert not late.marker and late.timestamp == first.timestamp + 320
    later = sender.packet(b"\xff" * 160, 1020.0, 160)  # after a second of silence: new talk spurt
    assert later.marker and (later.timestamp - first.timestamp) & 0xFFFFFFFF == 8160
    sender.new_spurt()
    assert sender.packet(b"\xff" * 160, 1040.0, 160).marker
