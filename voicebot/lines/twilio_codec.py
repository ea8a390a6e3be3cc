"""The Twilio Media Streams codec: Twilio's JSON events to media events, bot audio to ``media``/``mark``/``clear``.

Twilio sends ``connected``, ``start`` (streamSid, callSid, customParameters), ``media`` (base64 mu-law 8 kHz),
``dtmf``, ``mark`` (a mark we sent has played) and ``stop``; we send ``media``, ``mark`` and ``clear``, compact
JSON exactly as documented ("Media Streams - WebSocket Messages"). Only I/O-free translation lives here.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMessage, WSMsgType

from voicebot.audio import AudioFrame, ulaw_decode, ulaw_encode
from voicebot.lines.common import Framer, Outbound, new_call_id, token_ok
from voicebot.lines.line import Dtmf, LineInfo
from voicebot.lines.ws_codec import HandshakeRefused, Ignored, MalformedMessage, MarkEcho, MediaEvent, PeerHangup

RATE = 8000
"""Twilio streams mu-law at 8 kHz, both ways."""


@dataclass(frozen=True, slots=True)
class TwilioStart:
    """A valid ``start`` event: who calls whom, and the stream every outgoing message names."""

    info: LineInfo
    """The call as the session sees it (the token and the numbers taken out of the custom parameters)."""
    stream_sid: str
    """Twilio's id of this stream (``MZ...``)."""


def parse_json(message: WSMessage) -> dict[str, Any] | None:
    """Return a handshake message as a JSON object; ``None`` for a non-text message, ``{}`` for unreadable text."""
    if message.type != WSMsgType.TEXT:
        return None
    try:
        data = json.loads(message.data)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def parse_start(start: dict[str, Any], url_token: str, token: str) -> TwilioStart:
    """Check a ``start`` event's token and read the call from it; raise ``HandshakeRefused`` if it will not do."""
    details = start.get("start") or {}
    raw_params = details.get("customParameters") or {} if isinstance(details, dict) else None
    if not isinstance(details, dict) or not isinstance(raw_params, dict):
        raise HandshakeRefused("twilio-bad-start", "closed: start details are not objects", 1002,
                               b"malformed start event")
    params = {str(k): str(v) for k, v in raw_params.items()}
    if not token_ok(params.pop("token", "") or url_token, token):
        raise HandshakeRefused("twilio-bad-token", "refused: bad or missing token", 1008, b"bad token")
    stream_sid = str(start.get("streamSid") or details.get("streamSid", ""))
    info = LineInfo(new_call_id("twilio"), "twilio", RATE, params.pop("from", ""), params.pop("to", ""),
                    str(details.get("callSid", "")), extra={"streamSid": stream_sid, **params})
    return TwilioStart(info, stream_sid)


class TwilioCodec:
    """One stream's translation both ways; holds the caller's framing and the bot's 20 ms chunking."""

    peer = "Twilio"

    def __init__(self, stream_sid: str) -> None:
        self.stream_sid = stream_sid
        self._framer = Framer(RATE)
        self._outbound = Outbound(RATE)

    def decode(self, message: WSMessage) -> list[MediaEvent]:
        """Return the events in one Twilio message (events we do not use, such as ``connected``: none)."""
        if message.type != WSMsgType.TEXT:
            return [Ignored(f"unexpected WebSocket message type {message.type}")]
        try:
            data = json.loads(message.data)
            event = data["event"]
            if event == "media":
                if data["media"].get("track", "inbound") != "inbound":
                    return []
                return list(self._framer.push(ulaw_decode(base64.b64decode(data["media"]["payload"], validate=True))))
            if event == "dtmf":
                return [Dtmf(str(data["dtmf"]["digit"]), self._framer.emitted_ms)]
            if event == "mark":
                return [MarkEcho(str(data["mark"]["name"]))]
            if event == "stop":
                return [PeerHangup("Twilio stopped the stream")]
            return []
        except (ValueError, KeyError, TypeError, AttributeError) as err:  # binascii.Error is a ValueError
            raise MalformedMessage("twilio-malformed", f"{type(err).__name__}: {err}") from err

    def media(self, frame: AudioFrame) -> list[str]:
        """Return the ``media`` events carrying one bot frame (none while less than 20 ms is held back)."""
        return [self._event("media", media={"payload": base64.b64encode(ulaw_encode(pcm)).decode("ascii")})
                for pcm in self._outbound.push(frame)]

    def mark(self, name: str) -> str:
        """Return a ``mark`` event: Twilio echoes it once the audio sent before it has played."""
        return self._event("mark", mark={"name": name})

    def clear(self) -> str:
        """Drop the audio held back and return a ``clear`` event (Twilio drops what it has buffered)."""
        self._outbound.clear()
        return self._event("clear")

    def _event(self, event: str, **body: Any) -> str:
        return json.dumps({"event": event, "streamSid": self.stream_sid, **body}, separators=(",", ":"))
