"""SDP offer/answer (RFC 4566, RFC 3264) for one G.711 audio stream plus telephone-events."""

from __future__ import annotations

import ipaddress
import re
import secrets
from dataclasses import dataclass

from voicebot.errors import LineError

PCMU = 0
"""Static payload type of G.711 mu-law (RFC 3551)."""
PCMA = 8
"""Static payload type of G.711 A-law (RFC 3551)."""
_STATIC = {PCMU: "PCMU", PCMA: "PCMA"}
_BROADCAST = ipaddress.IPv4Address("255.255.255.255")


@dataclass(frozen=True, slots=True)
class Offer:
    """What the caller's SDP offers for audio."""

    address: str
    """Connection address (``c=`` line) the caller receives RTP on."""
    port: int
    """RTP port of the audio stream."""
    payloads: tuple[int, ...]
    """Payload types in the caller's order of preference."""
    codec: int
    """The G.711 payload type chosen for the call (first offered of PCMU/PCMA)."""
    encoding: str
    """``PCMU`` or ``PCMA``: what ``codec`` carries."""
    dtmf_payload: int | None
    """Payload type of ``telephone-event/8000``, when offered."""


def parse_offer(body: bytes) -> Offer:
    """Parse an SDP offer; raise ``LineError`` (``sdp-bad``, ``sdp-bad-port``, ``sdp-bad-address``, ``sdp-no-codec``).

    The audio port must be 1..65535 and the connection address a unicast IP literal: the answer is ``488`` before
    anything is set up, rather than a ``200 OK`` for a call whose media cannot go anywhere.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise LineError("sdp-bad", "SDP is not UTF-8") from err
    session_address = ""
    media_address = ""
    port: int | None = None
    payloads: tuple[int, ...] = ()
    rtpmaps: dict[int, str] = {}
    in_audio = False
    for line in re.split(r"\r?\n", text):
        if line.startswith("c=") and not in_audio and port is None:
            session_address = line.split()[-1].split("/")[0]
        elif line.startswith("m="):
            parts = line[2:].split()
            in_audio = len(parts) >= 4 and parts[0] == "audio" and port is None
            if in_audio:
                try:
                    port = int(parts[1].split("/")[0])
                    payloads = tuple(int(p) for p in parts[3:])
                except ValueError as err:
                    raise LineError("sdp-bad", f"bad media line {line[:80]!r}") from err
        elif in_audio and line.startswith("c="):
            media_address = line.split()[-1].split("/")[0]
        elif in_audio and line.startswith("a=rtpmap:"):
            match = re.match(r"a=rtpmap:(\d+)\s+([^/\s]+)/(\d+)", line)
            if match:
                rtpmaps[int(match.group(1))] = f"{match.group(2).lower()}/{match.group(3)}"
    address = media_address or session_address
    if port is None or not address:
        raise LineError("sdp-bad", "SDP has no audio stream or no connection address")
    if not 1 <= port <= 65535:  # 0 declines the stream; more is no UDP port (the call would fail after 200 OK)
        raise LineError("sdp-bad-port", f"audio port {str(port)[:24]} is not 1..65535")
    address = _unicast(address)
    if any(not 0 <= p <= 127 for p in payloads):
        raise LineError("sdp-bad", f"payload types {list(payloads)[:8]} are not all 0..127")
    names = {p: rtpmaps.get(p, f"{_STATIC.get(p, '?').lower()}/8000") for p in payloads}
    codecs = [p for p in payloads if names[p] in ("pcmu/8000", "pcma/8000")]
    if not codecs:
        raise LineError("sdp-no-codec", f"no PCMU/PCMA among offered payloads {list(payloads)}")
    dtmf = next((p for p in payloads if rtpmaps.get(p) == "telephone-event/8000"), None)
    return Offer(address, port, payloads, codecs[0], names[codecs[0]].split('/')[0].upper(), dtmf)


def holds(body: bytes) -> bool:
    """Return whether a re-INVITE's SDP puts the call on hold (RFC 3264 8.4: ``sendonly``/``inactive``, or the old
    RFC 2543 way, connection address 0.0.0.0): the caller's phone then sends no audio, on purpose."""
    text = body.decode("utf-8", "replace")
    return bool(re.search(r"^a=(?:sendonly|inactive)\s*$|^c=IN IP4 0\.0\.0\.0\s*$", text, re.MULTILINE))


def _unicast(address: str) -> str:
    """Return the connection address normalised, or raise: RTP goes to one real host, never a name or a broadcast."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError as err:
        raise LineError("sdp-bad-address", f"connection address {address[:64]!r} is not an IP address") from err
    if ip.is_unspecified or ip.is_multicast or (isinstance(ip, ipaddress.IPv4Address) and ip == _BROADCAST):
        raise LineError("sdp-bad-address", f"connection address {address} is not a unicast host")
    return str(ip)


def build_answer(offer: Offer, address: str, port: int, session_id: int | None = None) -> bytes:
    """Return our SDP answer: the chosen codec (and telephone-event when offered), 20 ms packets."""
    sid = session_id if session_id is not None else secrets.randbelow(2**31)
    family = "IP6" if ":" in address else "IP4"
    payloads = [offer.codec] + ([offer.dtmf_payload] if offer.dtmf_payload is not None else [])
    lines = [
        "v=0",
        f"o=voicebot {sid} {sid} IN {family} {address}",
        "s=voicebot",
        f"c=IN {family} {address}",
        "t=0 0",
        f"m=audio {port} RTP/AVP {' '.join(str(p) for p in payloads)}",
        f"a=rtpmap:{offer.codec} {offer.encoding}/8000",
    ]
    if offer.dtmf_payload is not None:
        lines += [f"a=rtpmap:{offer.dtmf_payload} telephone-event/8000", f"a=fmtp:{offer.dtmf_payload} 0-16"]
    lines += ["a=ptime:20", "a=sendrecv"]
    return ("\r\n".join(lines) + "\r\n").encode()
