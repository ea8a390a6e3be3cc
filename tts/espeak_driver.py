"""Small shims around pyttsx3 2.99's espeak-ng driver (see ``tts.pyttsx3_synth`` for why each exists)."""

from __future__ import annotations

import ctypes
import importlib.metadata
import logging
import threading
from collections.abc import Mapping
from typing import Any

logger = logging.getLogger(__name__)

ESPEAK_LOCK = threading.Lock()
"""libespeak-ng is one process-wide state (voice, parameters, the single synth callback): renders of every
synthesizer instance in the process (tests make several) take turns. This lock is the only module-level state."""


def claim_espeak_callback(engine: Any) -> None:
    """Point libespeak-ng's process-wide synth callback at this engine's driver (pyttsx3 sets it only at init)."""
    from pyttsx3.drivers import _espeak

    _espeak.SetSynthCallback(engine.proxy._driver._onSynth)


def wait_for_espeak() -> None:
    """Let libespeak-ng's command queue drain (its callback may still be returning)."""
    from pyttsx3.drivers import _espeak

    _espeak.dll.espeak_Synchronize()


def resolve_voice(wanted: str, available: Mapping[str, Any]) -> str | None:
    """Return the espeak voice identifier for a name like ``cmn-latn-pinyin``, ``en-us`` or ``gmw/en-us``."""
    wanted = wanted.lower()
    if wanted in available:
        return wanted
    for voice_id, voice in available.items():
        if voice_id.rsplit("/", 1)[-1] == wanted or wanted in [lang.lower() for lang in voice.languages or []]:
            return voice_id
    return None


def engine_version() -> str:
    """Return "pyttsx3-X+espeak-ng-Y" (the version only feeds cache keys: unknown parts are acceptable)."""
    try:
        pyttsx3_version = importlib.metadata.version("pyttsx3")
    except importlib.metadata.PackageNotFoundError:
        pyttsx3_version = "unknown"
    try:
        from pyttsx3.drivers import _espeak  # loads libespeak-ng; espeak_Info needs no initialisation

        info = _espeak.dll.espeak_Info
        info.restype = ctypes.c_char_p
        espeak_version = str(info(None).decode("ascii", "replace"))
    except Exception:
        espeak_version = "unknown"
    return f"pyttsx3-{pyttsx3_version}+espeak-ng-{espeak_version}"


def log_driver_print(*args: object, **_: object) -> None:
    """Log what pyttsx3's espeak driver would print to stdout."""
    logger.debug("pyttsx3: %s", " ".join(str(arg) for arg in args))
