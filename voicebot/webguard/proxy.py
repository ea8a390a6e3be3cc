"""The client's own address and scheme behind a trusted reverse proxy (``X-Forwarded-For``/``-Proto``).

Only a peer on ``[server] trusted_proxies`` may speak for a client: from any other peer the headers are ignored
(anyone can send them). The client is the right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy;
the scheme is the last ``X-Forwarded-Proto`` value (the one the nearest proxy added).
"""

from __future__ import annotations

import ipaddress

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from voicebot.lines.common import PeerFilter


def client_address(forwarded_for: list[str], trusted: PeerFilter) -> str | None:
    """Return the client address named by trusted proxies' ``X-Forwarded-For`` headers, or ``None``."""
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return None  # garbage (or an obfuscated name) where an address should be: believe nothing further
        if not trusted.allows(hop):
            return hop
    return hops[0] if hops else None  # every hop is a trusted proxy: the first one is the origin


def forwarded_middleware(trusted: PeerFilter) -> Middleware:
    """Return a middleware that sets ``request.remote``/``scheme`` from a trusted proxy's headers."""

    @web.middleware
    async def forwarded(request: web.Request, handler: Handler) -> web.StreamResponse:
        peer = request.remote
        if trusted.networks and peer and trusted.allows(peer):
            changes: dict[str, str] = {}
            client = client_address(request.headers.getall("X-Forwarded-For", []), trusted)
            if client:
                changes["remote"] = client
            proto = request.headers.get("X-Forwarded-Proto", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                changes["scheme"] = proto
            if changes:
                request = request.clone(**changes)  # type: ignore[arg-type]
        return await handler(request)

    return forwarded
