"""The shared secret of the Rasa HTTP API (``rasa run --auth-token``), never logged.

The bot's client sends it with every request and the supervisor hands it to the Rasa servers it starts
(in the environment, not on the command line, see ``rasa_project/scripts/serve.py``). It comes from
``[dialogue] rasa_token`` (or ``VOICEBOT_DIALOGUE__RASA_TOKEN``); when that is empty, from the file
``[dialogue] rasa_token_file``, which is created with a random token and mode 0600 on first use.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from voicebot.errors import ConfigError
from voicebot.settings import DialogueSettings, project_path

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RasaToken:
    """The Rasa API token; its repr and str never show the value."""

    value: str = field(repr=False)
    """The secret itself (URL-safe text)."""

    def __str__(self) -> str:
        return "RasaToken(***)"

    def scrub(self, text: str) -> str:
        """Return ``text`` with the token replaced by ``***`` (for error messages that may carry a URL)."""
        return text.replace(self.value, "***") if self.value else text


def _read(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(0o600)
        log.warning("%s was readable by others (mode %o): now 0600", path, mode)
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ConfigError("rasa-token-empty", f"{path} is empty: delete it to have a new token generated")
    return value


def _create(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it meanwhile: use theirs
        return _read(path)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(value + "\n")
    log.info("generated a new Rasa API token in %s (mode 0600)", path)
    return value


def load_rasa_token(dialogue: DialogueSettings) -> RasaToken:
    """Return the configured token, or the one in ``rasa_token_file`` (created on first use)."""
    if dialogue.rasa_token:
        return RasaToken(dialogue.rasa_token)
    if not dialogue.rasa_token_file:
        raise ConfigError("rasa-token-missing", "set [dialogue] rasa_token or rasa_token_file")
    path = project_path(dialogue.rasa_token_file)
    try:
        return RasaToken(_read(path) if path.exists() else _create(path))
    except OSError as err:
        raise ConfigError("rasa-token-unreadable", f"{path}: {err.strerror}") from err
