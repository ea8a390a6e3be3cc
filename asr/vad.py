"""Voice activity detection: webrtcvad, one decision per 20 ms frame."""

from __future__ import annotations

import webrtcvad

from voicebot.audio import SUPPORTED_RATES, AudioFrame, frame_bytes
from voicebot.errors import AsrError

VAD_FRAME_MS = (10, 20, 30)
"""Frame durations webrtcvad accepts; the bot always sends 20 ms."""


class WebRtcVad:
    """Classify frames as speech or not with webrtcvad (one instance per call: it keeps state)."""

    def __init__(self, aggressiveness: int = 2) -> None:
        if aggressiveness not in (0, 1, 2, 3):
            raise AsrError("vad-bad-mode", f"webrtcvad aggressiveness must be 0-3, got {aggressiveness}")
        self.aggressiveness = aggressiveness
        self._vad = webrtcvad.Vad(aggressiveness)

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
            return bool(self._vad.is_speech(frame.pcm, frame.rate))
        except Exception as err:  # webrtcvad raises a bare Exception on bad input
            raise AsrError("vad-failed", f"webrtcvad rejected a frame: {err}") from err
