"""Media secrets: the long-lived media token (switches) and short-lived softphone tokens (browsers).

The media token authorises Twilio streams, ``/media`` WebSocket peers and AudioSocket registrations; it is
configured (``[server] media_token``), never generated outside development and never logged. A browser never sees
it: the softphone page asks for a **softphone token** (an HMAC-signed expiry, keyed from the media token, so every
process of a deployment accepts every other's) from a logged-in console session (``POST /console/softphone-token``)
or, in development mode only, on page load (``POST /softphone/token``). Softphone tokens open calls on
``/softphone/media`` only: Twilio, ``/media`` and AudioSocket refuse them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from aiohttp import web

from voicebot.errors import ConfigError
from voicebot.settings import ServerSettings

SOFTPHONE_TTL_S = 300
"""A softphone token opens a call within this many seconds of being issued (the call may then last)."""

_PREFIX = "sp1"


def media_token(config: ServerSettings) -> str:
    """Return the configured media token; in development a random one for this run; otherwise refuse to start."""
    if config.media_token:
        return config.media_token
    if config.development:
        return secrets.token_urlsafe(24)  # never shown: development calls come in through the softphone
    raise ConfigError(
        "media-token-missing",
        "[server] media_token is not set (the secret switches present on Twilio, /media and AudioSocket): set it in "
        "the settings file or VOICEBOT_SERVER__MEDIA_TOKEN (e.g. `openssl rand -base64 24`), or run "
        "`voicebot serve --dev` (what ./dev up does) for development",
    )


class SoftphoneTokens:
    """Issue and check softphone tokens: ``sp1.EXPIRY.NONCE.SIGNATURE`` (HMAC-SHA256 of the rest)."""

    def __init__(
        self, media_secret: str, ttl_s: float = SOFTPHONE_TTL_S, clock: Callable[[], float] = time.time
    ) -> None:
        self._key = hmac.new(media_secret.encode(), b"voicebot softphone token v1", hashlib.sha256).digest()
        self._ttl = ttl_s
        self._clock = clock

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self) -> str:
        """Return a fresh token valid for ``ttl_s``."""
        payload = f"{_PREFIX}.{int(self._clock() + self._ttl)}.{secrets.token_urlsafe(9)}"
        return f"{payload}.{self._sign(payload)}"

    def valid(self, token: str) -> bool:
        """Return whether ``token`` was issued here (same media token) and has not expired."""
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != _PREFIX or not parts[1].isdigit():
            return False
        now = self._clock()
        if not now < int(parts[1]) <= now + self._ttl + 1:
            return False
        return hmac.compare_digest(parts[3].encode(), self._sign(".".join(parts[:3])).encode())


SOFTPHONE_TOKENS = web.AppKey("softphone_tokens", SoftphoneTokens)
"""The app's softphone token issuer (present when the app serves calls)."""
DEVELOPMENT = web.AppKey("development", bool)
"""Whether the app runs in development mode (softphone tokens on page load)."""


def grant(request: web.Request) -> web.Response:
    """Return a new softphone token as JSON ``{"token", "expires_in_s"}``."""
    tokens = request.config_dict[SOFTPHONE_TOKENS]
    return web.json_response(
        {"token": tokens.issue(), "expires_in_s": SOFTPHONE_TTL_S}, headers={"Cache-Control": "no-store"}
    )


async def page_load_grant(request: web.Request) -> web.Response:
    """``POST /softphone/token``: a softphone token for anyone who loads the page, in development mode only."""
    if not request.config_dict.get(DEVELOPMENT):
        raise web.HTTPForbidden(text="log in to the agent console first: softphone tokens come with a session")
    return grant(request)
