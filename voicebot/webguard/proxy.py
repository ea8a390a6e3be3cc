"""The client's own address, scheme and host behind a trusted reverse proxy (``X-Forwarded-For/-Proto/-Host``).

Only a peer on ``[server] trusted_proxies`` may speak for a client: from any other peer the headers are ignored
(anyone can send them). The client is the right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy;
the scheme and host are the last ``X-Forwarded-Proto``/``X-Forwarded-Host`` values (the nearest proxy's): the
host is what the same-origin check compares ``Origin`` with.
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
            host = request.headers.get("X-Forwarded-Host", "").split(",")[-1].strip()
            if host and not any(c in host for c in "/\\@ "):
                changes["host"] = host
            if changes:
                request = request.clone(**changes)  # type: ignore[arg-type]
        return await handler(request)

    return forwarded
