"""The access log without query strings: ``?token=`` and search terms never reach the log files."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Log ``ADDR "METHOD PATH" STATUS BYTESB TIMEs`` (path without its query) at INFO on ``aiohttp.access``.

    The ``B`` keeps status and size from reading as one phone number to the log redaction (``voicebot.runtime.redact``).
    """

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        """Write one line for a finished request."""
        self.logger.info(
            '%s "%s %s" %s %sB %.3fs',
            request.remote,
            request.method,
            request.rel_url.raw_path,
            response.status,
            response.body_length,
            time,
        )

    @property
    def enabled(self) -> bool:
        """Return whether lines would be written at all (skip the formatting otherwise)."""
        return self.logger.isEnabledFor(logging.INFO)
