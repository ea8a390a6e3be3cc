"""Voice activity detection: webrtcvad, one decision per 20 ms frame, behind a noise-floor gate.

webrtcvad alone (mode 2, the bot's default) passes steady line noise as speech once it has heard speech: with
-61 dBFS white noise between real utterances it kept whole 3 s pauses "speech", so utterances merged and
61-81% of the call reached the decoder (``benchmarks.naive_pipeline``, mode ``plainvad``). The gate tracks
the line's noise floor (the quietest recent frame level, rising slowly) and only lets webrtcvad's "speech"
through on frames at least ``noise_margin_db`` above it.
"""

from __future__ import annotations

import math

import numpy as np
import webrtcvad

from voicebot.audio import SUPPORTED_RATES, AudioFrame, frame_bytes
from voicebot.errors import AsrError

VAD_FRAME_MS = (10, 20, 30)
"""Frame durations webrtcvad accepts; the bot always sends 20 ms."""
NOISE_MARGIN_DB = 6.0
"""Default: a speech frame must be this much louder than the tracked noise floor."""
SILENT_DB = 0.0
"""Frames below this level (mean power under 1 LSB squared) are digital silence, not noise."""
FLOOR_RISE_DB_PER_S = 3.0
"""How fast the noise-floor estimate climbs when the line gets louder (it drops at once when it gets quieter)."""


def frame_level_db(pcm: bytes) -> float:
    """Return a 16-bit PCM frame's mean power in dB (re 1 LSB squared); digital silence gives -inf."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    power = float(np.dot(samples, samples)) / max(1, len(samples))
    return 10 * math.log10(power) if power > 0 else -math.inf


class NoiseFloor:
    """A minimum tracker of frame levels: follows the line's noise, ignores speech peaks."""

    def __init__(self, rise_db_per_s: float = FLOOR_RISE_DB_PER_S) -> None:
        if rise_db_per_s <= 0:
            raise AsrError("vad-bad-config", f"noise floor rise must be > 0 dB/s, got {rise_db_per_s}")
        self.rise_db_per_s = rise_db_per_s
        self.level_db: float | None = None

    def update(self, level_db: float, frame_ms: float) -> float | None:
        """Take one frame's level and return the floor estimate after it (None before any signal).

        Digital silence (below 1 LSB) is no line noise: it leaves the estimate alone.
        """
        if level_db < SILENT_DB:
            return self.level_db
        if self.level_db is None or level_db < self.level_db:
            self.level_db = level_db
        else:
            self.level_db = min(level_db, self.level_db + self.rise_db_per_s * frame_ms / 1000)
        return self.level_db


class WebRtcVad:
    """Classify frames as speech or not with webrtcvad (one instance per call: it keeps state).

    ``noise_margin_db`` = None turns the noise-floor gate off (plain webrtcvad).
    """

    def __init__(self, aggressiveness: int = 2, noise_margin_db: float | None = NOISE_MARGIN_DB) -> None:
        if aggressiveness not in (0, 1, 2, 3):
            raise AsrError("vad-bad-mode", f"webrtcvad aggressiveness must be 0-3, got {aggressiveness}")
        if noise_margin_db is not None and noise_margin_db < 0:
            raise AsrError("vad-bad-config", f"noise margin must be >= 0 dB, got {noise_margin_db}")
        self.aggressiveness = aggressiveness
        self.noise_margin_db = noise_margin_db
        self._vad = webrtcvad.Vad(aggressiveness)
        self._floor = NoiseFloor()
        self._above_floor_db: float | None = None

    @property
    def above_floor_db(self) -> float | None:
        """Return the last frame's level over the tracked noise floor (None before any signal)."""
        return self._above_floor_db

    def is_speech(self, frame: AudioFrame) -> bool:
        """Return True when the frame holds speech."""
        if frame.rate not in SUPPORTED_RATES:
            rates = ", ".join(str(r) for r in SUPPORTED_RATES)
            raise AsrError("vad-bad-rate", f"webrtcvad needs {rates} Hz audio, got {frame.rate} Hz")
        if len(frame.pcm) not in {frame_bytes(frame.rate, ms) for ms in VAD_FRAME_MS}:
            raise AsrError(
                "vad-bad-frame",
                f"webrtcvad needs 10/20/30 ms frames; got {len(frame.pcm)} bytes at {frame.rate} Hz "
                f"(20 ms = {frame_bytes(frame.rate)} bytes)",
            )
        try:
            speech = bool(self._vad.is_speech(frame.pcm, frame.rate))
        except Exception as err:  # webrtcvad raises a bare Exception on bad input
            raise AsrError("vad-failed", f"webrtcvad rejected a frame: {err}") from err
        if self.noise_margin_db is None:
            return speech
        level = frame_level_db(frame.pcm)
        floor = self._floor.update(level, len(frame.pcm) / 2 / frame.rate * 1000)
        self._above_floor_db = None if floor is None else level - floor
        return speech and (floor is None or level >= floor + self.noise_margin_db)
