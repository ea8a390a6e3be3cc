"""Put the web protections on an app and its runner (``voicebot serve`` and ``voicebot console`` alike)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from voicebot.handoff.views import CSP_SOURCES
from voicebot.lines.common import PeerFilter
from voicebot.settings import ServerSettings
from voicebot.webguard.access_log import PathOnlyAccessLogger
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


def runner_options(config: ServerSettings) -> dict[str, Any]:
    """Return ``web.AppRunner``/``web.run_app`` options: the header read timeout and the query-less access log.

    aiohttp closes a connection whose request headers are not complete when ``keepalive_timeout`` runs out (a
    timer armed when the connection opens and after each response), so it bounds half-sent requests too.
    """
    return {"keepalive_timeout": config.request_header_timeout_s, "access_log_class": PathOnlyAccessLogger}
