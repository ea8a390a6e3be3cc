"""Pieces every line adapter shares: a bounded inbound queue, a peer allow-list, a 20 ms framer."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import secrets
import time
from collections import deque
from collections.abc import Iterator

import numpy as np

from voicebot.audio import AudioFrame, StreamResampler, frame_bytes
from voicebot.lines.line import Dtmf

logger = logging.getLogger(__name__)

INBOUND_FRAMES = 250
"""Caller frames a line holds for the session (5 s); beyond that the oldest audio is dropped (and counted)."""
FLOOD_FRAMES_PER_S = 250
"""More caller frames than this in one second (5x real time) is a flood, not jitter: the call is ended."""

Inbound = AudioFrame | Dtmf | None


class InboundQueue:
    """What the caller sent, waiting for the session; bounded, flood-guarded, and closed with ``None``.

    A session that falls behind loses the oldest audio (never digits), counted and logged; a peer that
    sends much faster than real time is cut off.
    """

    def __init__(self, call_id: str, limit: int = INBOUND_FRAMES, flood_per_s: int = FLOOD_FRAMES_PER_S) -> None:
        self.call_id = call_id
        self._items: deque[AudioFrame | Dtmf] = deque()
        self._ready = asyncio.Event()
        self._limit = limit
        self._flood = flood_per_s
        self._arrivals: deque[float] = deque(maxlen=flood_per_s)
        self.closed = False
        self.flooded = False
        self.dropped = 0
        """Audio frames dropped because the session fell behind."""

    def put(self, item: AudioFrame | Dtmf) -> bool:
        """Queue a frame or digit; ``False`` once closed, or (closing it) when the peer floods."""
        if self.closed:
            return False
        if isinstance(item, AudioFrame):
            now = time.monotonic()
            self._arrivals.append(now)
            if len(self._arrivals) == self._flood and now - self._arrivals[0] < 1.0:
                logger.warning("call %s: caller sends over %d frames/s (flood), ending the call",
                               self.call_id, self._flood)
                self.flooded = True
                self.close()
                return False
            if len(self._items) >= self._limit:
                self._drop_oldest_audio()
        self._items.append(item)
        self._ready.set()
        return True

    def _drop_oldest_audio(self) -> None:
        for index, queued in enumerate(self._items):
            if isinstance(queued, AudioFrame):
                del self._items[index]
                break
        self.dropped += 1
        if self.dropped == 1 or self.dropped % 250 == 0:
            logger.warning("call %s: session %d frames behind, dropped %d caller frames so far",
                           self.call_id, self._limit, self.dropped)

    def close(self) -> None:
        """Mark the end of the caller's media: ``recv`` returns ``None`` after what is queued."""
        self.closed = True
        self._ready.set()

    async def get(self) -> Inbound:
        """Return the next item; ``None`` forever once closed and drained."""
        while not self._items:
            if self.closed:
                return None
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()


class PeerFilter:
    """An allow-list of IP addresses and networks (``"10.0.0.0/8, 192.168.1.5"``)."""

    def __init__(self, spec: str) -> None:
        self.networks = [ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip()]

    def allows(self, host: str) -> bool:
        """Return whether ``host`` is on the list."""
        try:
            address = ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self.networks)


class Framer:
    """Cut a byte stream of 16-bit PCM into 20 ms ``AudioFrame``s with call-time stamps."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._size = frame_bytes(rate)
        self._buffer = bytearray()
        self._emitted = 0

    def push(self, pcm: bytes) -> Iterator[AudioFrame]:
        """Add samples and yield every whole frame now available."""
        self._buffer.extend(pcm)
        while len(self._buffer) >= self._size:
            chunk = bytes(self._buffer[: self._size])
            del self._buffer[: self._size]
            yield AudioFrame(chunk, self.rate, self._emitted * 20)
            self._emitted += 1

    @property
    def emitted_ms(self) -> int:
        """Return the caller audio delivered so far, in ms (the call time of the next frame)."""
        return self._emitted * 20


def pad_frame(pcm: bytes, size: int) -> bytes:
    """Return ``pcm`` zero-padded (or cut) to exactly ``size`` bytes."""
    return pcm[:size] if len(pcm) >= size else pcm + b"\x00" * (size - len(pcm))


def new_call_id(protocol: str) -> str:
    """Return a fresh call id such as ``sip-3f9a1c0b2d4e``."""
    return f"{protocol}-{secrets.token_hex(6)}"


def token_ok(presented: str, expected: str) -> bool:
    """Compare a presented token with the expected one in constant time."""
    return bool(presented) and bool(expected) and hmac.compare_digest(presented.encode(), expected.encode())



class EdgeResampler:
    """Low-latency streaming resampling for integer ratios (8 <-> 16/32/48 kHz) at the line edge.

    ``audio.StreamResampler`` (soxr HQ) holds ~100 ms back and releases it in bursts, which breaks 20 ms
    pacing; a windowed-sinc FIR with carried history delays by ~2 ms and returns every chunk at once.
    Other ratios fall back to soxr.
    """

    def __init__(self, rate_in: int, rate_out: int, taps_per_side: int = 16) -> None:
        self.rate_in = rate_in
        self.rate_out = rate_out
        self.up = rate_out // rate_in if rate_out % rate_in == 0 else 1
        self.down = rate_in // rate_out if rate_in % rate_out == 0 else 1
        self._fallback = None if rate_out == rate_in * self.up // self.down else StreamResampler(rate_in, rate_out)
        factor = max(self.up, self.down)
        n = 2 * taps_per_side * factor + 1
        t = np.arange(n) - (n - 1) / 2
        cutoff = 0.45 / factor  # cycles per high-rate sample: just under the lower Nyquist
        self._taps = 2 * cutoff * np.sinc(2 * cutoff * t) * np.hamming(n) * self.up
        self._history = np.zeros(n - 1)
        self._phase = 0

    def process(self, pcm: bytes) -> bytes:
        """Return the resampled chunk (one input frame in, one output frame out)."""
        if self._fallback is not None:
            return self._fallback.process(pcm)
        x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
        if self.up > 1:
            stuffed = np.zeros(len(x) * self.up)
            stuffed[:: self.up] = x
            x = stuffed
        buffer = np.concatenate([self._history, x])
        y = np.convolve(buffer, self._taps, mode="valid")
        self._history = buffer[len(buffer) - len(self._history) :]
        if self.down > 1:
            y = y[self._phase :: self.down]
            self._phase = (self._phase - len(x)) % self.down
        return np.clip(np.rint(y), -32768, 32767).astype("<i2").tobytes()


class Outbound:
    """Turn bot frames (any rate) into whole 20 ms chunks of 16-bit PCM at the line's rate."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._size = frame_bytes(rate)
        self._resampler: EdgeResampler | None = None
        self._buffer = bytearray()

    def push(self, frame: AudioFrame) -> list[bytes]:
        """Return the chunks ready to send (a short frame, the end of an utterance, is padded out)."""
        pcm = frame.pcm
        if frame.rate != self.rate:
            if self._resampler is None or self._resampler.rate_in != frame.rate:
                self._resampler = EdgeResampler(frame.rate, self.rate)
            pcm = self._resampler.process(pcm)
        self._buffer.extend(pcm)
        if len(frame.pcm) < frame_bytes(frame.rate):  # the last frame of an utterance: flush it padded
            self._buffer.extend(b"\x00" * (-len(self._buffer) % self._size))
        chunks = []
        while len(self._buffer) >= self._size:
            chunks.append(bytes(self._buffer[: self._size]))
            del self._buffer[: self._size]
        return chunks

    def clear(self) -> None:
        """Drop what is held back (barge-in)."""
        self._buffer.clear()
