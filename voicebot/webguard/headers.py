"""Security headers on every response: a strict Content-Security-Policy, no framing, no sniffing, no referrer.

The console and softphone pages load scripts and styles only from this server (their scripts are static files),
plus the console's one inline style, allowed by its SHA-256 (``views.CSP_SOURCES``): an injected ``<script>`` or
``onerror=`` never runs even if escaping failed somewhere. ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` stop
clickjacking; ``Referrer-Policy: same-origin`` keeps URLs (and any token in them) out of other sites' logs.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

BASE_POLICY: Mapping[str, tuple[str, ...]] = {
    "default-src": ("'none'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "media-src": ("'self'",),
    "connect-src": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
    "base-uri": ("'none'",),
}
"""The policy before the pages' inline hashes are added."""

FIXED_HEADERS: Mapping[str, str] = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # not no-referrer: with it browsers post forms with ``Origin: null``
}
"""Set on every response besides the policy."""


def csp_hash(text: str) -> str:
    """Return the CSP source (``'sha256-...'``) allowing exactly this inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(*extra: Mapping[str, tuple[str, ...]]) -> str:
    """Return the Content-Security-Policy header value: ``BASE_POLICY`` plus ``extra`` sources per directive."""
    merged = {name: list(sources) for name, sources in BASE_POLICY.items()}
    for more in extra:
        for name, sources in more.items():
            merged.setdefault(name, []).extend(s for s in sources if s not in merged[name])
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in merged.items())


def header_hook(csp: str) -> Callable[[web.BaseRequest, web.StreamResponse], Awaitable[None]]:
    """Return an ``on_response_prepare`` callback setting the headers (errors, files and redirects included)."""

    async def add_headers(_request: web.BaseRequest, response: web.StreamResponse) -> None:
        response.headers.setdefault("Content-Security-Policy", csp)
        for name, value in FIXED_HEADERS.items():
            response.headers.setdefault(name, value)

    return add_headers
