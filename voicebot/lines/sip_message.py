"""SIP messages (RFC 3261): parse a datagram, build responses and in-dialog requests."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from voicebot.errors import LineError

MAX_MESSAGE = 16384
"""Largest SIP datagram accepted; a UDP INVITE with SDP is ~1 KB, anything this big is hostile or broken."""
MAX_VIA = 20
"""Most Via values accepted in one message; more is dropped unanswered. A response repeats every Via (one line
each, however compact the request wrote them), so with this cap a reply stays within a few hundred bytes of its
request's size and the server cannot be used as a UDP amplifier. Real paths have a handful of proxies."""

# RFC 3261 section 7.3.3 compact header forms.
_COMPACT = {"i": "call-id", "f": "from", "t": "to", "v": "via", "m": "contact", "l": "content-length",
            "c": "content-type", "k": "supported", "s": "subject", "e": "content-encoding", "r": "refer-to"}
_CANONICAL = {"call-id": "Call-ID", "cseq": "CSeq", "www-authenticate": "WWW-Authenticate"}
REASONS = {100: "Trying", 180: "Ringing", 200: "OK", 202: "Accepted", 400: "Bad Request", 403: "Forbidden",
           481: "Call/Transaction Does Not Exist", 486: "Busy Here", 487: "Request Terminated",
           488: "Not Acceptable Here", 500: "Server Internal Error", 501: "Not Implemented",
           503: "Service Unavailable", 513: "Message Too Large"}


def header_name(name: str) -> str:
    """Return the canonical spelling of a header name (``call-id`` -> ``Call-ID``)."""
    lower = _COMPACT.get(name.strip().lower(), name.strip().lower())
    return _CANONICAL.get(lower, "-".join(part.capitalize() for part in lower.split("-")))


@dataclass(slots=True)
class SipMessage:
    """One SIP request or response."""

    method: str = ""
    """Request method (empty for responses)."""
    uri: str = ""
    """Request-URI (empty for responses)."""
    status: int = 0
    """Response status code (0 for requests)."""
    reason: str = ""
    """Response reason phrase."""
    headers: list[tuple[str, str]] = field(default_factory=list)
    """Headers in order, names canonical."""
    body: bytes = b""
    """Message body (SDP)."""

    @property
    def is_request(self) -> bool:
        """Return whether this is a request."""
        return bool(self.method)

    def get(self, name: str, default: str = "") -> str:
        """Return the first value of a header."""
        wanted = header_name(name)
        return next((value for key, value in self.headers if key == wanted), default)

    def get_all(self, name: str) -> list[str]:
        """Return every value of a header (in order)."""
        wanted = header_name(name)
        return [value for key, value in self.headers if key == wanted]

    @property
    def call_id(self) -> str:
        """Return the Call-ID."""
        return self.get("Call-ID")

    @property
    def cseq(self) -> tuple[int, str]:
        """Return the CSeq number and method."""
        number, _, method = self.get("CSeq").partition(" ")
        try:
            return int(number), method.strip()
        except ValueError:
            return 0, method.strip()

    def to_bytes(self) -> bytes:
        """Serialise with a correct Content-Length."""
        first = f"{self.method} {self.uri} SIP/2.0" if self.method else f"SIP/2.0 {self.status} {self.reason}"
        lines = [first] + [f"{k}: {v}" for k, v in self.headers if k != "Content-Length"]
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


def parse(data: bytes) -> SipMessage:
    """Parse one SIP datagram; raise ``LineError`` (``sip-bad-message``, ``sip-too-large``, ``sip-too-many-via``)."""
    if len(data) > MAX_MESSAGE:
        raise LineError("sip-too-large", f"SIP message of {len(data)} bytes")
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = data.partition(b"\n\n")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:
        raise LineError("sip-bad-message", "SIP headers are not UTF-8") from err
    lines = re.split(r"\r?\n", text)
    first = lines[0].split(" ", 2)
    message = SipMessage()
    if len(first) == 3 and first[0] == "SIP/2.0" and first[1].isdigit():
        message.status, message.reason = int(first[1]), first[2]
    elif len(first) == 3 and first[2] == "SIP/2.0" and re.fullmatch(r"[A-Z]+", first[0]):
        message.method, message.uri = first[0], first[1]
    else:
        raise LineError("sip-bad-message", f"bad start line {lines[0][:80]!r}")
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and message.headers:  # folded continuation line
            name, value = message.headers[-1]
            message.headers[-1] = (name, value + " " + line.strip())
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise LineError("sip-bad-message", f"bad header line {line[:80]!r}")
        canonical = header_name(name)
        # Via/Contact/etc. may carry several comma-separated values on one line.
        values = _split_commas(value) if canonical in ("Via",) else [value.strip()]
        message.headers.extend((canonical, v) for v in values)
    vias = sum(1 for name, _ in message.headers if name == "Via")
    if vias > MAX_VIA:
        raise LineError("sip-too-many-via", f"{vias} Via values (at most {MAX_VIA})")
    for required in ("Call-ID", "CSeq", "From", "To", "Via"):
        if not message.get(required):
            raise LineError("sip-bad-message", f"missing {required} header")
    length = message.get("Content-Length")
    if length:
        if not length.isdigit() or int(length) > len(body):
            raise LineError("sip-bad-message", f"Content-Length {length!r} but {len(body)} body bytes")
        body = body[: int(length)]
    message.body = body
    return message


def _split_commas(value: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    angle, quoted = 0, False
    for char in value:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "<>":
            angle = angle + 1 if char == "<" else max(0, angle - 1)
        if char == "," and angle == 0 and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def response(request: SipMessage, status: int, to_tag: str = "", extra: list[tuple[str, str]] | None = None,
             body: bytes = b"") -> SipMessage:
    """Build a response to ``request`` (RFC 3261 section 8.2.6)."""
    to = request.get("To")
    if to_tag and ";tag=" not in to:
        to = f"{to};tag={to_tag}"
    headers = [("Via", via) for via in request.get_all("Via")]
    headers += [("From", request.get("From")), ("To", to), ("Call-ID", request.call_id), ("CSeq", request.get("CSeq"))]
    headers += extra or []
    return SipMessage(status=status, reason=REASONS.get(status, "Unknown"), headers=headers, body=body)


def tag_of(value: str) -> str:
    """Return the ``tag`` parameter of a From/To header value."""
    match = re.search(r";\s*tag=([^;>\s]+)", value)
    return match.group(1) if match else ""


def uri_of(value: str) -> str:
    """Return the URI inside a name-addr (``"Bob" <sip:bob@h>;tag=1`` -> ``sip:bob@h``)."""
    match = re.search(r"<([^>]*)>", value)
    return match.group(1) if match else value.split(";", 1)[0].strip()


def user_of(value: str) -> str:
    """Return the user part of a From/To/URI value (the phone number)."""
    match = re.match(r"(?:sips?|tel):([^@;>]+)", uri_of(value))
    return match.group(1) if match else ""


def caller_of(message: SipMessage) -> str:
    """Return the calling number of an INVITE: the network-asserted identity (P-Asserted-Identity) when the
    switch gives one, else the user part of From."""
    for value in message.get_all("P-Asserted-Identity"):
        for identity in value.split(","):
            user = user_of(identity.strip())
            if user:
                return user
    return user_of(message.get("From"))


def new_tag() -> str:
    """Return a fresh random tag or branch suffix."""
    return secrets.token_hex(6)
