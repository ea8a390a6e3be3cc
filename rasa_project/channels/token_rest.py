"""The REST input channel behind the API token: ``POST /webhooks/rest/webhook`` needs ``?token=`` too.

``rasa run --auth-token`` protects only the HTTP API (``/conversations``, ``/model``...), not the input channels:
without this, anyone reaching the port could talk into a caller's conversation by its id and read the bot's
replies. The token is ``RASA_AUTH_TOKEN`` from the environment (``scripts/serve.py`` puts it there from
``RASA_AUTH_TOKEN_FILE`` too); without one the channel is open, as Rasa's API is without ``--auth-token``.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request


class TokenRestInput(RestInput):
    """Rasa's REST channel (same URL, same wire) that answers 401 to requests without the token."""

    @classmethod
    def name(cls) -> str:
        """Keep the URL ``/webhooks/rest/...``."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Return the REST channel's routes with a token check in front of them."""
        routes = super().blueprint(on_new_message)
        token = os.environ.get("RASA_AUTH_TOKEN", "")

        @routes.middleware("request")
        async def require_token(request: Request) -> response.HTTPResponse | None:
            if token and not hmac.compare_digest(request.args.get("token", ""), token):
                return response.json({"status": "failure", "reason": "NotAuthenticated", "code": 401}, status=401)
            return None

        return routes
