"""Typed errors of the work order: bad operator files (at start-up) and bad agent edits."""

from __future__ import annotations

from voicebot.errors import ConfigError, VoicebotError


class WorkOrderFileError(ConfigError):
    """An operator file (taxonomy, deadlines, gazetteer, routing) is missing, unreadable or inconsistent.

    Codes: ``workorder-file-missing``, ``workorder-file-unreadable``, ``workorder-entry-invalid``,
    ``workorder-unknown-reference``, ``workorder-code-unmapped``, ``workorder-no-fallback``. The message names
    the file and the entry.
    """


class WorkOrderValueError(VoicebotError):
    """An edit names a value the operator files do not know (``workorder-bad-value``)."""
