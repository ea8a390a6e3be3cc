"""RTP (RFC 3550) packets, a small reordering jitter buffer and RFC 4733 DTMF events."""

from __future__ import annotations

import secrets
import struct
from dataclasses import dataclass

from voicebot.errors import LineError

_HEADER = struct.Struct("!BBHII")
DTMF_EVENTS = "0123456789*#ABCD"
"""RFC 4733 section 3.2: event codes 0-15 are the keypad digits in this order."""
COMFORT_NOISE = 13
"""Payload type of comfort noise (RFC 3389): a phone with silence suppression sends it instead of audio."""
SILENCE_20MS = bytes(320)
"""20 ms of 16-bit silence at 8 kHz."""


@dataclass(frozen=True, slots=True)
class RtpPacket:
    """One RTP packet."""

    payload_type: int
    """Payload type (0 PCMU, 8 PCMA, dynamic for telephone-event)."""
    sequence: int
    """16-bit sequence number."""
    timestamp: int
    """32-bit media timestamp (8 kHz units for G.711)."""
    ssrc: int
    """Synchronisation source."""
    payload: bytes
    """Payload (padding and header extension removed)."""
    marker: bool = False
    """Marker bit: first packet of a talk spurt (audio) or of an event (DTMF)."""

    def to_bytes(self) -> bytes:
        """Serialise (version 2, no padding, no extension, no CSRCs)."""
        second = (0x80 if self.marker else 0) | (self.payload_type & 0x7F)
        return _HEADER.pack(0x80, second, self.sequence & 0xFFFF, self.timestamp & 0xFFFFFFFF, self.ssrc) + self.payload


def parse_rtp(data: bytes) -> RtpPacket:
    """Parse an RTP datagram; raise ``LineError('rtp-bad-packet')`` when truncated or not version 2."""
    if len(data) < 12:
        raise LineError("rtp-bad-packet", f"RTP packet of {len(data)} bytes is shorter than its header")
    first, second, sequence, timestamp, ssrc = _HEADER.unpack_from(data)
    if first >> 6 != 2:
        raise LineError("rtp-bad-packet", f"RTP version {first >> 6}")
    offset = 12 + 4 * (first & 0x0F)
    end = len(data)
    if first & 0x10:  # header extension: 16-bit profile, 16-bit length in 32-bit words
        if end < offset + 4:
            raise LineError("rtp-bad-packet", "truncated RTP header extension")
        offset += 4 + 4 * struct.unpack_from("!H", data, offset + 2)[0]
    if first & 0x20:  # padding: the last byte says how many bytes to drop
        end -= data[-1]
    if offset > end:
        raise LineError("rtp-bad-packet", "RTP header longer than the packet")
    return RtpPacket(second & 0x7F, sequence, timestamp, ssrc, data[offset:end], bool(second & 0x80))


class RtpSender:
    """Number outgoing packets: random SSRC and initial sequence/timestamp, marker on each talk spurt."""

    def __init__(self, payload_type: int, samples_per_ms: int = 8) -> None:
        self.payload_type = payload_type
        self.ssrc = secrets.randbits(32)
        self._sequence = secrets.randbits(16)
        self._base_timestamp = secrets.randbits(32)
        self._samples_per_ms = samples_per_ms
        self._next_timestamp: int | None = None

    def packet(self, payload: bytes, now_ms: float, samples: int) -> RtpPacket:
        """Return the next packet; ``now_ms`` (call time) places the timestamp after a silence gap."""
        wall = self._base_timestamp + int(now_ms * self._samples_per_ms)
        # A pause of more than 100 ms is silence between utterances: a new talk spurt whose timestamp jumps
        # with the clock. Shorter hiccups (a busy event loop) keep the stream continuous for the far end.
        marker = self._next_timestamp is None or wall - self._next_timestamp > 100 * self._samples_per_ms
        timestamp = wall if marker else self._next_timestamp
        assert timestamp is not None
        packet = RtpPacket(self.payload_type, self._sequence, timestamp, self.ssrc, payload, marker)
        self._sequence = (self._sequence + 1) & 0xFFFF
        self._next_timestamp = timestamp + samples  # masked to 32 bits on the wire
        return packet

    def new_spurt(self) -> None:
        """Start a new talk spurt (after ``clear``): the next packet carries the marker bit."""
        self._next_timestamp = None


class JitterBuffer:
    """Reorder packets by sequence number; drop late and duplicate ones; hold at most ``depth`` out of order."""

    def __init__(self, depth: int = 3) -> None:
        self.depth = depth
        self._expected: int | None = None
        self._held: dict[int, RtpPacket] = {}
        self.late = 0
        self.lost = 0

    def push(self, packet: RtpPacket) -> list[RtpPacket]:
        """Add a packet; return the packets now ready, in order."""
        if self._expected is None:
            self._expected = packet.sequence
        ahead = (packet.sequence - self._expected) & 0xFFFF
        if ahead >= 0x8000 or packet.sequence in self._held:
            self.late += 1
            return []
        self._held[packet.sequence] = packet
        ready = self._release()
        if len(self._held) > self.depth:  # the gap will not fill: skip it
            ready += self.flush()
        return ready

    def flush(self) -> list[RtpPacket]:
        """Release everything held, in order, skipping gaps (the stream paused or packets were lost)."""
        ready: list[RtpPacket] = []
        while self._held:
            assert self._expected is not None
            nearest = min(self._held, key=lambda seq: (seq - self._expected) & 0xFFFF)  # type: ignore[operator]
            self.lost += (nearest - self._expected) & 0xFFFF
            self._expected = nearest
            ready += self._release()
        return ready

    @property
    def holding(self) -> bool:
        """Return whether packets wait for a gap to fill."""
        return bool(self._held)

    def _release(self) -> list[RtpPacket]:
        ready = []
        while self._expected in self._held:
            ready.append(self._held.pop(self._expected))
            self._expected = (self._expected + 1) & 0xFFFF
        return ready


class DtmfDecoder:
    """Turn RFC 4733 telephone-event packets into digits, once per event despite retransmissions."""

    def __init__(self) -> None:
        self._seen: list[int] = []

    def push(self, packet: RtpPacket) -> str | None:
        """Return the digit when ``packet`` starts a new event; ``None`` for repeats and bad payloads."""
        if len(packet.payload) < 4:
            return None
        event = packet.payload[0]
        # All packets of one event share its RTP timestamp (RFC 4733 section 2.5.1.3); the end packet
        # is sent three times. Keying on (timestamp, event) reports each key press exactly once.
        key = (packet.timestamp << 8) | event
        if key in self._seen or event >= len(DTMF_EVENTS):
            return None
        self._seen = self._seen[-31:] + [key]
        return DTMF_EVENTS[event]


def dtmf_payload(event: int, end: bool, duration: int, volume: int = 10) -> bytes:
    """Build an RFC 4733 event payload (used by tests and for sending digits)."""
    return struct.pack("!BBH", event, (0x80 if end else 0) | (volume & 0x3F), duration)
