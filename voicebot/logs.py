"""Logging set-up: every record passes through the personal-data mask."""

from __future__ import annotations

import logging

from voicebot.redact import mask


class RedactingFilter(logging.Filter):
    """Mask phone and ID numbers in the final message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with personal data masked."""
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True


def setup_logging(level: int = logging.INFO) -> None:
    """Configure the root logger with the redacting filter on its handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
