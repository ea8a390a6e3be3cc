"""Logging set-up: every record passes through the personal-data mask, tracebacks included.

The bot logs to standard error only (no log files): rotation and retention of what the service manager keeps
(journald, ``docker logs``) are the deployment's to configure (docs/handoff.md, Retention).
"""

from __future__ import annotations

import logging
from typing import TextIO

from voicebot.runtime.redact import mask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
"""The line format (the time stamp is not masked: it is not personal data)."""

OPERATOR_LOGGERS = ("voicebot.server",)
"""Loggers shown at INFO even at the default level: one line as a call starts and one as it ends, and the
listening ports (the operator's view of ``voicebot serve``)."""

class RedactingFilter(logging.Filter):
    """Mask phone and ID numbers in every record's message, exception text and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record with personal data masked (message, traceback and stack alike)."""
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters use exc_text once it is set, so the traceback is formatted (and masked) only here.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


def make_handler(stream: TextIO | None = None) -> logging.Handler:
    """Return the bot's log handler: ``stream`` (standard error by default), the project format, the mask."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    return handler


def setup_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Configure the root logger with the redacting handler; operator lines show at INFO whatever ``level``."""
    root = logging.getLogger()
    root.handlers[:] = [make_handler(stream)]
    root.setLevel(level)
    for name in OPERATOR_LOGGERS:
        logging.getLogger(name).setLevel(min(level, logging.INFO))
