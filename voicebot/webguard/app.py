"""Put the web protections on an app (``voicebot serve`` and ``voicebot console`` alike)."""

from __future__ import annotations

from aiohttp import web

from voicebot.handoff.views import CSP_SOURCES
from voicebot.lines.common import PeerFilter
from voicebot.settings import ServerSettings
from voicebot.webguard.headers import header_hook, policy
from voicebot.webguard.proxy import forwarded_middleware

GUARDED = web.AppKey("webguard_installed", bool)
"""Set once the protections are on an app (``install`` is idempotent)."""


def install(app: web.Application, config: ServerSettings) -> None:
    """Add the trusted-proxy middleware and the security headers to ``app`` (before it starts)."""
    if app.get(GUARDED):
        return
    app[GUARDED] = True
    app.middlewares.append(forwarded_middleware(PeerFilter(config.trusted_proxies)))
    app.on_response_prepare.append(header_hook(policy(CSP_SOURCES)))
