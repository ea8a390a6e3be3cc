"""The plain WebSocket media codec: JSON metadata first, then binary L16 both ways and small JSON events.

The peer's first text message is a JSON object (``sampleRate``, ``callId``/``callSid``, ``from``, ``to``,
``lang``, ``token``); binary messages carry 16-bit little-endian mono PCM at that rate; text messages carry
``{"type": "dtmf", "digit": "5"}`` or ``{"type": "hangup"}``. We send binary PCM and JSON events (``clear``,
``transfer``, ``partial``...). Only I/O-free translation lives here.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import WSMessage, WSMsgType

from voicebot.audio import SUPPORTED_RATES, AudioFrame
from voicebot.lines.common import Framer, Outbound, new_call_id, token_ok
from voicebot.lines.line import Dtmf, LineInfo
from voicebot.lines.ws_codec import HandshakeRefused, MalformedMessage, MediaEvent, PeerHangup


def metadata_rate(meta: dict[str, Any]) -> int:
    """Return the sample rate the metadata asks for; ``ValueError`` if it is not one the bot supports."""
    rate = int(meta.get("sampleRate") or meta.get("sample_rate") or 8000)
    if rate not in SUPPORTED_RATES:
        raise ValueError(f"sampleRate {rate} not one of {SUPPORTED_RATES}")
    return rate


def parse_metadata(first: WSMessage, fallback_token: str, token: str) -> LineInfo:
    """Read the call from the first message and check its token (else ``fallback_token``, from the URL or header).

    Raise ``HandshakeRefused``: 1002 when it is not JSON metadata at a supported rate, 1008 for a bad token.
    """
    try:
        meta = json.loads(first.data) if first.type == WSMsgType.TEXT else None
        if not isinstance(meta, dict):
            raise ValueError("the first message must be a JSON object")
        rate = metadata_rate(meta)
    except (ValueError, TypeError, OverflowError) as err:  # OverflowError: int(Infinity)
        raise bad_metadata(err) from err
    if not token_ok(str(meta.get("token") or fallback_token), token):
        raise HandshakeRefused("websocket-bad-token", "refused: bad or missing token", 1008, b"bad token")
    return LineInfo(
        new_call_id("ws"), "websocket", rate, str(meta.get("from", "")), str(meta.get("to", "")),
        str(meta.get("callId") or meta.get("callSid") or meta.get("call_id") or ""),
        lang=str(meta["lang"]) if meta.get("lang") else None,
    )


def bad_metadata(err: Exception) -> HandshakeRefused:
    """Return the refusal of a connection whose first message is not usable metadata (or never came)."""
    return HandshakeRefused("websocket-bad-metadata", f"closed: bad metadata ({err})", 1002,
                            b"expected JSON metadata first")


class WebSocketCodec:
    """One connection's translation both ways at its sample rate; holds the caller's framing and the bot's chunking."""

    peer = "peer"

    def __init__(self, rate: int) -> None:
        self._framer = Framer(rate)
        self._outbound = Outbound(rate)

    def decode(self, message: WSMessage) -> list[MediaEvent]:
        """Return the audio frames in a binary message, or the digit or hang-up in a text one."""
        if message.type == WSMsgType.BINARY:
            return list(self._framer.push(message.data))
        try:
            event = json.loads(message.data) if message.type == WSMsgType.TEXT else None
            kind = event.get("type") if isinstance(event, dict) else None
            if kind == "dtmf" and isinstance(event, dict):
                return [Dtmf(str(event["digit"])[:1], self._framer.emitted_ms)]
            if kind in ("hangup", "stop"):
                return [PeerHangup("the peer hung up")]
            raise ValueError(f"unexpected message {str(message.data)[:60]!r}")
        except (ValueError, KeyError, TypeError) as err:
            raise MalformedMessage("websocket-malformed", str(err)) from err

    def audio(self, frame: AudioFrame) -> list[bytes]:
        """Return the binary 20 ms L16 messages carrying one bot frame, at the connection's rate."""
        return self._outbound.push(frame)

    def event(self, event: dict[str, Any]) -> str:
        """Return a JSON event message (UTF-8 text kept readable)."""
        return json.dumps(event, ensure_ascii=False)

    def clear(self) -> str:
        """Drop the audio held back and return the ``clear`` event (the peer drops what it has buffered)."""
        self._outbound.clear()
        return self.event({"type": "clear"})
