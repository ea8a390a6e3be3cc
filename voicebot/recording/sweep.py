"""Retention for the recordings directory itself: files no ticket leads to any more are deleted too.

The tickets' retention job deletes each expired ticket's recording by its reference. This sweep catches the rest:
finished recordings older than ``retention_days`` (a ticket save that failed, a reference already blanked) and
unfinished ``.part`` files a crashed process left (older than ``UNFINISHED_AFTER_S``: no call lasts that long).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from voicebot.recording.store import PART_SUFFIX

log = logging.getLogger(__name__)

UNFINISHED_AFTER_S = 86_400
"""A ``.part`` file this old belongs to no running call."""


def sweep_recordings(root: Path, cutoff_s: float, now_s: float) -> int:
    """Delete recordings under ``root`` last written before ``cutoff_s`` and orphaned ``.part`` files; return how
    many went (empty day directories too). A file that cannot be deleted is logged and tried next run."""
    if not root.is_dir():
        return 0
    deleted = 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or not (path.name.endswith(".wav") or path.name.endswith(PART_SUFFIX)):
            continue
        try:
            mtime = path.stat().st_mtime
            old = mtime < cutoff_s or (path.name.endswith(PART_SUFFIX) and mtime < now_s - UNFINISHED_AFTER_S)
            if old:
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            continue
        except OSError as err:
            log.error("retention: a recording could not be deleted, retried next run (%s)", err.strerror)
    for day in sorted(root.iterdir()):
        if day.is_dir() and not any(day.iterdir()):
            try:
                os.rmdir(day)
            except OSError:
                continue  # a call started writing there meanwhile
    if deleted:
        log.info("retention: %d old or unfinished recordings deleted", deleted)
    return deleted
