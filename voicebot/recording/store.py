"""Where call recordings are kept: a small protocol and the directory implementation.

A store hands out one sink per call. The sink is written while the call runs (``<id>.wav.part``) and made final
at the end (``<id>.wav``); the reference is known from the start, so the ticket carries it before it reaches an
agent. Files are the service user's alone (0600). An S3-compatible store would implement the same protocol; none
ships (no object store can be tested here without a cloud service).
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

log = logging.getLogger(__name__)

PART_SUFFIX = ".part"
"""A recording still being written (or left by a crash: retention removes it)."""

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


class RecordingSink(Protocol):
    """One call's recording file while it is written."""

    ref: str
    """The reference tickets carry (a local path here)."""
    file: BinaryIO
    """The seekable file the WAV is written to."""

    def finish(self) -> None:
        """Close the file and make it the final recording (``ref``)."""

    def discard(self) -> None:
        """Close and delete what was written (recording failed)."""


class RecordingStore(Protocol):
    """Keeps call recordings."""

    def open(self, call_id: str) -> RecordingSink:
        """Start the recording of ``call_id``; raise ``OSError`` when it cannot be created."""


@dataclass(slots=True)
class FileSink:
    """A recording written to ``<final>.part`` and renamed to ``final`` when finished."""

    ref: str
    """Absolute path of the final file."""
    file: BinaryIO
    """The open ``.part`` file."""

    @property
    def part(self) -> Path:
        """Return the file being written."""
        return Path(self.ref + PART_SUFFIX)

    def finish(self) -> None:
        """Close the file and rename it to its final name."""
        self.file.close()
        os.replace(self.part, self.ref)

    def discard(self) -> None:
        """Close and delete the partial file (what cannot be deleted is left to the retention sweep)."""
        try:
            self.file.close()
        except OSError:
            pass  # a full disk fails the last flush too: the file goes anyway
        try:
            self.part.unlink(missing_ok=True)
        except OSError as err:  # the retention sweep deletes unfinished files a day old
            log.warning("a failed recording could not be deleted now (%s); retention will", err.strerror)


@dataclass(frozen=True, slots=True)
class DirectoryStore:
    """Recordings as WAV files in one directory, one sub-directory per day (``YYYY-MM-DD/<call id>.wav``)."""

    root: Path
    """The recordings directory (made 0700 when missing)."""

    def open(self, call_id: str) -> FileSink:
        """Create ``<root>/<day>/<call id>.wav.part`` (0600) and return its sink."""
        day = self.root / time.strftime("%Y-%m-%d", time.gmtime())
        day.mkdir(mode=0o700, parents=True, exist_ok=True)
        final = day / f"{_SAFE.sub('_', call_id)[:120] or 'call'}.wav"
        fd = os.open(final.with_name(final.name + PART_SUFFIX), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        return FileSink(str(final), os.fdopen(fd, "wb"))
